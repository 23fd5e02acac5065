"""The workspace's forms: shape and length, each error naming its field; the services check the rest."""

from __future__ import annotations

from typing import Any

from django import forms

from reviews.models import Annotation, Correction
from reviews.self_review import MAX_HIGHLIGHTS
from reviews.services.self_review import TOOL_LIMIT

ITEM_KEY_LIMIT = 300  # reviews.models.Correction.item_key


def text_field(label: str, limit: int, *, rows: int, required: bool = False, help_text: str = "") -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=limit,
        required=required,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class ItemForm(forms.Form):
    item = forms.CharField(max_length=ITEM_KEY_LIMIT, widget=forms.HiddenInput)


class CorrectionForm(ItemForm):
    ai_assisted = forms.TypedChoiceField(
        label="Your verdict",
        choices=[("yes", "AI-assisted"), ("no", "Not AI-assisted")],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect,
    )
    tool = forms.CharField(label="Tool (when AI-assisted)", max_length=TOOL_LIMIT, required=False)
    reason = text_field("Reason", Correction.REASON_LIMIT, rows=2, required=True)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("ai_assisted") is False:
            cleaned["tool"] = ""  # a tool only describes AI-assisted work
        return cleaned


class HighlightPickForm(ItemForm):
    pick = forms.BooleanField(required=False)


class HighlightTextForm(ItemForm):
    context = text_field("Context", Annotation.HIGHLIGHT_PART_LIMIT, rows=2)
    what_ai_did = text_field("What AI did", Annotation.HIGHLIGHT_PART_LIMIT, rows=2)
    outcome = text_field("Outcome", Annotation.HIGHLIGHT_PART_LIMIT, rows=2)


HighlightFormSet = forms.formset_factory(
    HighlightTextForm, extra=0, max_num=MAX_HIGHLIGHTS, validate_max=True, absolute_max=MAX_HIGHLIGHTS
)


class FlagExplanationForm(forms.Form):
    explanation = text_field("Your explanation", Annotation.FLAG_EXPLANATION_LIMIT, rows=3)


class NarrativeForm(forms.Form):
    text = text_field(
        "Your narrative",
        Annotation.NARRATIVE_LIMIT,
        rows=10,
        help_text="Plain paragraphs, separated by a blank line; printed in section 6 of your packet.",
    )


def form_errors(form: forms.Form | forms.BaseFormSet[Any]) -> list[str]:
    """Every error of a form or formset as one sentence naming its field ("Reason: Ensure this value ...")."""
    if isinstance(form, forms.BaseFormSet):
        nested = [error for entry in form.forms for error in form_errors(entry)]
        return [*nested, *(str(error) for error in form.non_form_errors())]
    found: list[str] = []
    for name, errors in form.errors.items():
        label = form.fields[name].label if name in form.fields else None
        found.extend(f"{label or name.replace('_', ' ').capitalize()}: {error}" for error in errors)
    return found
