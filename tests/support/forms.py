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
    """A field belongs to the form around it, or to the form its `form` attribute names
    (which may come later in the page: fields outside a form, or inside another one)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.form: Form | None = None
        self.detached: dict[str, Form] = {}  # form id → fields that name it
        self.owner: Form | None = None  # of the textarea or select being read
        self.textarea = self.select = None
        self.first_option = None

    def _owner(self, attrs: dict) -> Form | None:
        if attrs.get("form"):
            return self.detached.setdefault(attrs["form"], Form({}))
        return self.form

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.form = Form(attrs)
            self.forms.append(self.form)
            return
        name = attrs.get("name")
        owner = self._owner(attrs)
        if owner is None and not (tag == "option" and self.select):
            return
        if tag == "input" and name:
            kind = (attrs.get("type") or "text").lower()
            if kind in ("submit", "button", "image", "reset"):
                return
            owner.kinds.setdefault(name, kind)
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    owner.values[name] = attrs.get("value") or "on"
            elif kind != "file":
                owner.values[name] = attrs.get("value") or ""
        elif tag == "textarea" and name:
            self.textarea, self.owner = name, owner
            owner.kinds[name] = "textarea"
            owner.values[name] = ""
        elif tag == "select" and name:
            self.select, self.owner, self.first_option = name, owner, None
            owner.kinds[name] = "select"
        elif tag == "option" and self.select and self.owner is not None:
            value = attrs.get("value") or ""
            if self.first_option is None:
                self.first_option = value
            if "selected" in attrs:
                self.owner.values[self.select] = value

    def handle_endtag(self, tag):
        if tag == "form":
            self.form = None
        elif tag == "textarea" and self.textarea and self.owner is not None:
            # A newline right after <textarea> is not part of the value (HTML parsing rules).
            values = self.owner.values
            values[self.textarea] = values[self.textarea].removeprefix("\n")
            self.textarea = None
        elif tag == "select" and self.select and self.owner is not None:
            self.owner.values.setdefault(self.select, self.first_option or "")
            self.select = None

    def handle_data(self, data):
        if self.textarea and self.owner is not None:
            self.owner.values[self.textarea] += data

    def close(self):
        super().close()
        for form in self.forms:
            fields = self.detached.get(form.attrs.get("id", ""))
            if fields:
                form.values |= fields.values
                form.kinds |= fields.kinds


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
