import html
from typing import cast

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms
from django.conf import settings
from django.forms import BoundField
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from countries.forms import InvitedPersonFields
from reviews.models import Contributor, PeerKind, Review
from reviews.sections import BY_KEY, SECTIONS

MAX_SECTION_CHARS = 60_000


def _no_nul(text: str) -> str:
    if "\x00" in text:
        raise forms.ValidationError(_("The text contains a character that is not allowed (NUL)."))
    return text


class SectionsForm(forms.ModelForm):
    """The narrative sections and the report's language, with the version they start from."""

    lock_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    class Meta:
        model = Review
        fields = ["language", *BY_KEY]

    def __init__(self, *args, part=None, **kwargs):
        """`part` (reviews.contributors.Part): a contributor's form holds only the sections
        assigned to them, and not the report's language."""
        super().__init__(*args, **kwargs)
        self.fields["lock_version"].initial = self.instance.lock_version
        cast(forms.ChoiceField, self.fields["language"]).choices = settings.LANGUAGES
        if part is not None and not part.everything:
            for key in ["language", *(s.key for s in SECTIONS if not part.has_section(s.key))]:
                del self.fields[key]
        for section in SECTIONS:
            if section.key not in self.fields:
                continue
            field = cast(forms.CharField, self.fields[section.key])
            field.label = f"{section.number}. {section.title}"
            field.help_text = str(section.help)
            field.required = False
            field.max_length = MAX_SECTION_CHARS
            field.widget = forms.Textarea(attrs={
                "rows": 6, "data-word-limit": section.word_limit, "dir": "auto",
                "aria-describedby": f"wc-{section.key} id_{section.key}_helptext",
                # needed to submit, not to save a draft: no `required`, which would block saving
                **({"aria-required": "true"} if section.required else {}),
            })  # fmt: skip

    def clean(self):
        super().clean()
        data = self.cleaned_data
        for section in SECTIONS:
            text = data.get(section.key)
            if text is None:
                continue
            try:
                _no_nul(text)
            except forms.ValidationError as error:
                self.add_error(section.key, error)
            if len(text) > MAX_SECTION_CHARS:
                self.add_error(
                    section.key, _("This section is too long to store (over 60,000 characters).")
                )
        return data


class ContributorForm(InvitedPersonFields, forms.ModelForm):
    """A member of the national drafting team: who (when inviting), their institution, and
    the sections and indicator outcomes assigned to them."""

    sections = forms.MultipleChoiceField(
        label=_("Sections they write"), required=False, widget=forms.CheckboxSelectMultiple,
        choices=[(s.key, f"{s.number}. {s.title}") for s in SECTIONS],
    )  # fmt: skip
    outcomes = forms.MultipleChoiceField(
        label=_("Indicator outcomes they answer"), required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip

    class Meta:
        model = Contributor
        fields = ["name", "email", "language", "institution", "sections", "outcomes"]
        widgets = {"institution": forms.TextInput(attrs={"dir": "auto"})}

    def __init__(self, *args, outcomes, **kwargs):
        """`outcomes`: the outcomes of the open cycle's matrix, to choose from."""
        super().__init__(*args, **kwargs)
        choices = [(o.code, f"{o.code}. {o.title}") for o in outcomes]
        # An outcome code assigned in an earlier matrix stays choosable until it is unticked.
        known = {code for code, _label in choices}
        choices += [(code, code) for code in self.instance.outcomes if code not in known]
        cast(forms.MultipleChoiceField, self.fields["outcomes"]).choices = choices
        self.fields["name"].widget.attrs["dir"] = "auto"
        if self.instance.pk:
            # The person does not change; invite someone new instead.
            del self.fields["email"], self.fields["language"], self.fields["name"]
        else:
            self.fields["language"].initial = get_language()

    def clean(self):
        super().clean()
        if not (self.cleaned_data.get("sections") or self.cleaned_data.get("outcomes")):
            raise forms.ValidationError(_("Assign at least one section or indicator outcome."))
        return self.cleaned_data


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4, "dir": "auto"}), max_length=5000
    )

    def __init__(self, *args, required: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not required:
            del self.fields["reason"]

    def clean_reason(self):
        return _no_nul(self.cleaned_data["reason"])


class CommentForm(forms.Form):
    target = forms.ChoiceField(label=_("About"), required=False)
    body = forms.CharField(
        label=_("Comment"), widget=forms.Textarea(attrs={"rows": 3}), max_length=5000
    )

    def __init__(self, *args, review, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self._indicators = {f"indicator:{i.code}": i for i in indicators}
        cast(forms.ChoiceField, self.fields["target"]).choices = (
            [("", _("The whole review"))]
            + [(s.key, f"{s.number}. {s.title}") for s in SECTIONS]
            + [(key, f"{i.code} {i.title}") for key, i in self._indicators.items()]
        )

    def clean_body(self):
        return _no_nul(self.cleaned_data["body"].strip())

    def indicator_for(self, target: str):
        return self._indicators.get(target)


class ReplyForm(forms.Form):
    body = forms.CharField(label=_("Reply"), max_length=5000)

    def clean_body(self):
        return _no_nul(self.cleaned_data["body"].strip())


# --- Peer review (reviews/peers.py) -----------------------------------------------------------

MAX_ASSESSMENT_CHARS = 20_000


def _text(label, *, rows: int = 4, required: bool = False, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        required=required,
        max_length=MAX_ASSESSMENT_CHARS,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "dir": "auto"}),
    )  # fmt: skip  (Django's CharField refuses NUL characters itself)


class AssignPeerForm(InvitedPersonFields):
    """Who the peer is: an expert of a partner organisation (invited if new) or the focal point
    of another Member State (by their e-mail address)."""

    kind = forms.ChoiceField(
        label=_("Peer"), choices=PeerKind.choices, widget=forms.RadioSelect,
        initial=PeerKind.EXPERT,
    )  # fmt: skip
    organisation = forms.CharField(
        label=_("Organisation"), max_length=300, required=False,
        help_text=_("The expert's partner organisation of the Global Network on Safer Cities; "
                    "for a focal point, their country is used."),
        widget=forms.TextInput(attrs={"dir": "auto"}),
    )  # fmt: skip
    field_order = ["kind", "name", "email", "organisation", "language"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].required = False
        self.fields["name"].help_text = _("Needed for an expert new to the portal.")
        self.fields["name"].widget.attrs["dir"] = "auto"
        self.fields["language"].initial = get_language()

    def clean(self):
        super().clean()
        data = self.cleaned_data
        if data.get("kind") == PeerKind.EXPERT and not (data.get("name") or "").strip():
            # an existing account keeps its name; a new one needs it
            if not User.objects.filter(email__iexact=data.get("email", "")).exists():
                self.add_error("name", _("Give the expert's full name."))
        return data


class AssessmentForm(forms.Form):
    """The peer's assessment: per outcome its strengths, gaps and recommendations, and an
    overall note (required to send)."""

    overall = _text(_("Overall note"), rows=6)

    def __init__(self, *args, outcomes, assessment, **kwargs):
        """`outcomes`: the outcomes of the matrix version the review answered."""
        super().__init__(*args, **kwargs)
        self.outcome_rows = []
        labels = {"strengths": _("Strengths"), "gaps": _("Gaps"),
                  "recommendations": _("Recommendations")}  # fmt: skip
        for outcome in outcomes:
            names = []
            for field, label in labels.items():
                name = f"outcome-{outcome.code}-{field}"
                self.fields[name] = _text(label, rows=3)
                self.fields[name].initial = assessment.outcomes.get(outcome.code, {}).get(field, "")
                names.append(name)
            self.outcome_rows.append((outcome, [self[n] for n in names]))
        self.fields["overall"].initial = assessment.overall
        self.order_fields([*(f for f in self.fields if f != "overall"), "overall"])

    def outcomes_data(self) -> dict[str, dict[str, str]]:
        return {
            outcome.code: {
                field.name.rsplit("-", 1)[1]: self.cleaned_data.get(field.name, "")
                for field in fields
            }
            for outcome, fields in self.outcome_rows
        }


class SecretariatCommentForm(forms.Form):
    comment = _text(_("What the peer should look at again"), required=True)


class ShareForm(forms.Form):
    in_report = forms.BooleanField(
        label=_("Include the assessment and the country's response in the review's chapter of "
                "the compiled report"),
        required=False,
    )  # fmt: skip


class ResponseForm(forms.Form):
    response = _text(_("Your country's response"), rows=6, required=True)


# --- Rendering the editor's fields ----------------------------------------------------------
# The editor shows about 150 fields. Rendered one by one through crispy-forms'
# `as_crispy_field` (a template per field, and Django's widget templates inside it) they took
# about two thirds of the page's time. `field_html` writes the same markup as
# crispy-bootstrap5's bootstrap5/field.html (labels, help texts, error blocks with their ids
# `error_<n>_<auto_id>`, and the widget attributes Django adds: aria-invalid, aria-describedby)
# directly, with whitespace between elements reduced to one newline. Widgets it does not know
# still go through crispy.


def _escape(value) -> str:
    """conditional_escape, without building a SafeString for every attribute."""
    if hasattr(value, "__html__"):
        return value.__html__()
    return html.escape(str(value))


def _flat_attrs(attrs: dict) -> str:
    # django/forms/widgets/attrs.html
    return "".join(
        f" {_escape(name)}" if value is True else f' {_escape(name)}="{_escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


def _widget_html(bf: BoundField, css: str) -> str:
    """The widget as crispy's `{% crispy_field field 'class' css %}` renders it."""
    widget = bf.field.widget
    # crispy adds the widget's class name and then `css` to the widget's class attribute.
    class_name = type(widget).__name__.lower()
    current = widget.attrs.get("class", "")
    if not current:
        current = class_name
    elif class_name not in current:
        current += f" {class_name}"
    classes = current.split()
    for name in css.split():
        if name not in classes:
            current += f" {name}"
            classes.append(name)
    # BoundField.as_widget
    attrs = bf.build_widget_attrs({"class": current}, widget)
    if bf.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", bf.auto_id)
    context = widget.get_context(bf.html_name, bf.value(), attrs)["widget"]
    name, value, attrs = _escape(context["name"]), context["value"], context["attrs"]
    if isinstance(widget, forms.Textarea):
        text = _escape(value) if value else ""
        return f'<textarea name="{name}"{_flat_attrs(attrs)}>\n{text}</textarea>'
    if isinstance(widget, forms.Select):
        parts = [f'<select name="{name}"{_flat_attrs(attrs)}>']
        for group_name, options, _index in context["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{_escape(group_name)}">')
            for option in options:
                label = _escape(option["label"])
                parts.append(
                    f'\n  <option value="{_escape(option["value"])}"'
                    f"{_flat_attrs(option['attrs'])}>{label}</option>"
                )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return "".join(parts)
    shown = "" if value is None else f' value="{_escape(value)}"'
    return f'<input type="{context["type"]}" name="{name}"{shown}{_flat_attrs(attrs)}>'


def _errors_html(bf: BoundField, tag: str = "p") -> str:
    # bootstrap5/layout/field_errors_block.html
    errors = bf.errors
    if not errors:
        return ""
    auto_id = _escape(bf.auto_id)
    items = "\n".join(
        f'<{tag} id="error_{n}_{auto_id}"><strong>{_escape(error)}</strong></{tag}>'
        for n, error in enumerate(errors, 1)
    )
    return (
        # ErrorList.field_id (Django 5.2) is not in the stubs yet.
        f'\n<div id="{_escape(errors.field_id)}_error" class="invalid-feedback">\n{items}\n</div>'  # type: ignore[attr-defined]
    )


def _help_html(bf: BoundField) -> str:
    # bootstrap5/layout/help_text.html
    if not bf.help_text:
        return ""
    id_attr = f'id="{_escape(bf.auto_id)}_helptext" ' if bf.auto_id else ""
    return f'\n<div {id_attr}class="form-text">{bf.help_text}</div>'


def _radios_html(bf: BoundField) -> str:
    # bootstrap5/layout/radio_checkbox_select.html
    widget = bf.field.widget
    id_ = widget.attrs.get("id") or bf.auto_id
    attrs = bf.build_widget_attrs({"id": id_} if id_ else {})
    groups = widget.optgroups(bf.html_name, widget.format_value(bf.value()), attrs)
    invalid = " is-invalid" if bf.errors else ""
    name = _escape(bf.html_name)
    parts = ["\n<div >"]
    for group_index, (group, options, _index) in enumerate(groups, 1):
        if group:
            parts.append(f"\n<strong>{_escape(group)}</strong>")
        for option_index, option in enumerate(options, 1):
            parts.append(
                f'\n<div class="form-check">\n<input type="{option["type"]}" '
                f'class="form-check-input{invalid}" name="{name}" '
                f'value="{_escape(str(option["value"]))}" '
                f"{_flat_attrs(option['attrs'])}>\n"
                f'<label for="{_escape(option["attrs"].get("id", ""))}" '
                f'class="form-check-label">\n{_escape(str(option["label"]))}\n</label>'
            )
            if option_index == len(options) and group_index == len(groups):
                parts.append(_errors_html(bf))
            parts.append("\n</div>")
    parts.append("\n</div>")
    parts.append(_help_html(bf))
    return "".join(parts)


_PLAIN_WIDGETS = (forms.TextInput, forms.Textarea, forms.Select, forms.CheckboxInput)


def field_html(bf: BoundField, badge: str = "") -> SafeString:
    """`{{ bf|as_crispy_field }}` (crispy-bootstrap5, no form helper), built here. `badge`:
    markup (trusted, not escaped) shown after the label, outside it, such as a "required"
    mark (the label stays the field's name)."""
    widget = bf.field.widget
    if bf.is_hidden:
        return SafeString(f"\n{bf}\n")
    radios = type(widget) is forms.RadioSelect
    if not (radios or isinstance(widget, _PLAIN_WIDGETS)):
        return as_crispy_field(bf)
    checkbox = isinstance(widget, forms.CheckboxInput)
    required = bf.field.required
    star = '<span class="asteriskField">*</span>' if required else ""
    req_class = " requiredField" if required else ""
    label = _escape(bf.label) if bf.label else ""
    extra = bf.css_classes()
    extra = f" {extra}" if extra else ""
    parts = ["\n"]
    if checkbox:
        parts.append('<div class="mb-3">\n')
    parts.append(
        f'<div id="div_{_escape(bf.auto_id)}" class="{"form-check" if checkbox else "mb-3"}{extra}">'
    )
    fieldset = bf.use_fieldset and bf.label
    if bf.label and not checkbox:
        tag = "legend" if bf.use_fieldset else "label"
        if fieldset:
            described = bf.aria_describedby
            described = f' aria-describedby="{described}"' if described else ""
            parts.append(f"\n<fieldset{described}>")
        for_ = f'for="{_escape(bf.id_for_label)}" ' if bf.id_for_label else ""
        fs = " fs-6" if bf.use_fieldset else ""
        parts.append(
            f'\n<{tag}\n{for_}class="form-label{req_class}{fs}">\n{label}{star}\n</{tag}>{badge}'
        )
    if radios:
        parts.append(_radios_html(bf))
    elif checkbox:
        invalid = " is-invalid" if bf.errors else ""
        parts.append(f"\n{_widget_html(bf, 'form-check-input' + invalid)}")
        parts.append(
            f'\n<label for="{_escape(bf.id_for_label)}" class="form-check-label{req_class}">\n'
            f"{label}{star}\n</label>"
        )
        parts.append(_errors_html(bf) + _help_html(bf))
    else:
        css = "form-select" if isinstance(widget, forms.Select) else "form-control"
        css += " is-invalid" if bf.errors else ""
        parts.append(f"\n{_widget_html(bf, css)}")
        parts.append(_errors_html(bf) + _help_html(bf))
    if fieldset:
        parts.append("\n</fieldset>")
    parts.append("\n</div>")
    if checkbox:
        parts.append("\n</div>")
    parts.append("\n")
    return SafeString("".join(parts))
