"""The monthly department report: activity journal, occasions calendar, report versions, PDF."""
