"""What a rendered form shows as chosen, for tests of edit pages that fill themselves in."""

from html.parser import HTMLParser


class _Chosen(HTMLParser):
    """The values a form shows as chosen: checked boxes and selected options, by field name."""

    def __init__(self):
        super().__init__()
        self.chosen: dict[str, set[str]] = {}
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "select":
            self._select = attrs.get("name")
        elif tag == "input" and "checked" in attrs:
            self.chosen.setdefault(attrs["name"], set()).add(attrs["value"])
        elif tag == "option" and "selected" in attrs and self._select:
            self.chosen.setdefault(self._select, set()).add(attrs["value"])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def chosen(html: str) -> dict[str, set[str]]:
    parser = _Chosen()
    parser.feed(html)
    return parser.chosen
