"""The editable working-day calendar: declared days and martial-law periods (see civic.workdays)."""
