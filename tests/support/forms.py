"""Reading the forms of a page as a browser would submit them (for tests that post forms)."""

from dataclasses import dataclass, field
from html.parser import HTMLParser

# Inputs a person types into (as opposed to choices, files and buttons).
TYPED = {"text", "email", "url", "search", "tel", "number", "date", "datetime-local", "time",
         "month", "week", "textarea"}  # fmt: skip


@dataclass
class Form:
    attrs: dict
    values: dict[str, str] = field(default_factory=dict)  # what the browser would submit
    kinds: dict[str, str] = field(default_factory=dict)  # field name → input type / tag

    @property
    def method(self) -> str:
        return (self.attrs.get("method") or "get").lower()

    def action(self, page_url: str) -> str:
        return self.attrs.get("action") or page_url


class _Forms(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.textarea = self.select = None
        self.first_option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.form = Form(attrs)
            self.forms.append(self.form)
            return
        name = attrs.get("name")
        if self.form is None:
            return
        values, kinds = self.form.values, self.form.kinds
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            kinds.setdefault(name, kind)
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    values[name] = attrs.get("value") or "on"
            elif kind != "file":
                values[name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self.textarea = name
            kinds[name] = "textarea"
            values[name] = ""
        elif tag == "select" and name:
            self.select, self.first_option = name, None
            kinds[name] = "select"
        elif tag == "option" and self.select:
            value = attrs.get("value") or ""
            if self.first_option is None:
                self.first_option = value
            if "selected" in attrs:
                self.form.values[self.select] = value

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "textarea" and self.textarea and self.form is not None:
            # A newline right after <textarea> is not part of the value (HTML parsing rules).
            values = self.form.values
            values[self.textarea] = values[self.textarea].removeprefix("\n")
            self.textarea = None
        elif tag == "select" and self.select and self.form is not None:
            self.form.values.setdefault(self.select, self.first_option or "")
            self.select = None

    def handle_data(self, data):
        if self.textarea and self.form is not None:
            self.form.values[self.textarea] += data


def forms(html: str) -> list[Form]:
    """Every form of the page, before anything is typed; submit buttons are left out."""
    reader = _Forms()
    reader.feed(html)
    reader.close()
    return reader.forms


def form_values(html: str, *, form_id: str = "review-form", action: str | None = None) -> dict:
    """What a browser would submit from the form with this id (or this action: "" for a form
    without one, among the POST forms)."""
    for form in forms(html):
        if action is not None:
            if (form.attrs.get("action") or "") == action and form.method == "post":
                return form.values
        elif form.attrs.get("id") == form_id:
            return form.values
    raise AssertionError(f"no form {form_id if action is None else action!r} on the page")
