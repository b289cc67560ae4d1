"""The emulator's text rules: how a condition written in plain language becomes checks on text.

The emulator has no language model, so a success condition is reduced to checks that users can predict
(documented in ``docs/emulator-evaluation.md``):

* a phrase in quotes ('...', "...", ‘...’ or “...”) must appear in the checked text;
* a quoted phrase whose clause contains a negation (not, never, avoid, without, n't, cannot) must NOT appear;
* an unquoted rule such as "must not mention X" / "never say X" forbids X (split on "and", "or", commas);
* success/failure examples are compared with the checked text by word overlap.

Matching is case-insensitive, whitespace-insensitive and whole-word, with an optional plural "s"/"es".
The same rules judge a tool parameter's value (``parameter_matches``: exact, regex, anything, or an ``llm``
description read as a condition). Pure functions: no IO, no randomness, no time.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal

EvaluationResult = Literal["success", "failure", "unknown"]

# A labelled piece of text the checks look in, e.g. ("system prompt", "You are ...").
TextSource = tuple[str, str]

# Single quotes only count at word boundaries so that apostrophes ("the agent's") are not quotes.
_QUOTED = re.compile(r"(?<!\w)'([^'\n]+?)'(?!\w)|\"([^\"\n]+?)\"|‘([^’\n]+?)’|“([^”\n]+?)”")
_NEGATION = re.compile(
    r"\b(?:not|never|avoid|avoids|avoiding|without|cannot|nor)\b|n't\b|n’t\b", re.IGNORECASE
)
_NEGATED_SPAN = re.compile(
    r"(?:\b(?:not|never|avoid|avoids|avoiding|without|cannot|nor)\b|n't\b|n’t\b).*?(?=\bbut\b|;|$)",
    re.IGNORECASE | re.DOTALL,
)
_CLAUSE_END = re.compile(r"[.;!?\n]")
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+|\n+")
_LIST_JOINERS = frozenset({"", "or", "and", "nor", "and not", "or not"})
_NEGATED_VERB_RULE = re.compile(
    r"\b(?:must not|mustn't|should not|shouldn't|does not|doesn't|do not|don't|will not|won't|cannot|can't"
    r"|may not|is not allowed to|never)\s+(?:ever\s+)?"
    r"(?:mention|mentions|say|says|use|uses|reveal|reveals|discuss|discusses|talk about|talks about"
    r"|include|includes|contain|contains|offer|offers|promise|promises|recommend|recommends)\s+"
    r"(?P<object>[^.;!?\n\"'“‘]+)",
    re.IGNORECASE,
)
_LIST_SEPARATORS = re.compile(r"\s*(?:,|\band\b|\bor\b|\bnor\b)\s*", re.IGNORECASE)
_LEADING_FILLER = re.compile(
    r"^(?:that|the|a|an|any|anything about|its|their|his|her|our|your)\s+", re.IGNORECASE
)
_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")
_STOPWORDS = frozenset(
    re.findall(
        r"\S+",
        "the and for you your are with that this have has was were will can our its their they them from but "
        "not all any can't don't i'm it's what when how who which would could should about into",
    )
)
EXAMPLE_THRESHOLD = 0.5
# Sources that are instructions to the agent: their negated sentences are prohibitions, not speech.
INSTRUCTION_SOURCES = frozenset({"system prompt"})


@dataclass(frozen=True)
class Check:
    """One checked rule: ``message`` is the rationale line, ``summary`` the sentence used if it decides."""

    passed: bool
    message: str
    summary: str


@dataclass(frozen=True)
class Verdict:
    result: EvaluationResult
    messages: list[str]
    summary: str

    def as_condition_result(self) -> dict[str, Any]:
        """The spec's ``TestConditionResultCommonModel``."""
        return {
            "result": self.result,
            "rationale": {"messages": list(self.messages), "summary": self.summary},
        }


@lru_cache(maxsize=512)  # the same prompt is normalised once per phrase otherwise
def normalise_text(text: str) -> str:
    return " ".join(text.replace("’", "'").lower().split())


def phrase_occurs(phrase: str, text: str) -> bool:
    """Whole-word, case- and whitespace-insensitive; "refund" also matches "refunds"."""
    wanted = normalise_text(phrase)
    if not wanted:
        return False
    start = r"(?<!\w)" if wanted[0].isalnum() else ""
    end = r"(?:s|es)?(?!\w)" if wanted[-1].isalnum() else ""
    return re.search(start + re.escape(wanted) + end, normalise_text(text)) is not None


def quoted_phrases(text: str) -> list[str]:
    return [next(group for group in match.groups() if group is not None) for match in _QUOTED.finditer(text)]


def condition_rules(condition: str) -> tuple[list[str], list[str]]:
    """(required phrases, forbidden phrases) in the order they are written, without duplicates."""
    required: list[str] = []
    forbidden: list[str] = []
    previous_end = 0
    previous_forbidden = False
    for match in _QUOTED.finditer(condition):
        phrase = next(group for group in match.groups() if group is not None).strip()
        before = condition[previous_end : match.start()]
        clause_start = max((m.end() for m in _CLAUSE_END.finditer(before)), default=0)
        negated = _NEGATION.search(before[clause_start:]) is not None
        # A list keeps the polarity of its first item: "never say 'a', 'b' or 'c'".
        if previous_end and before.strip(" ,").lower() in _LIST_JOINERS:
            negated = negated or previous_forbidden
        target = forbidden if negated else required
        if phrase and phrase not in target:
            target.append(phrase)
        previous_end = match.end()
        previous_forbidden = negated
    unquoted = _QUOTED.sub(" ", condition)
    for match in _NEGATED_VERB_RULE.finditer(unquoted):
        for item in _LIST_SEPARATORS.split(match.group("object")):
            phrase = _LEADING_FILLER.sub("", item.strip()).strip()
            if phrase and phrase not in forbidden:
                forbidden.append(phrase)
    return required, forbidden


@lru_cache(maxsize=512)
def content_words(text: str) -> frozenset[str]:
    """Lower-case words of 3+ letters minus stop words, with a plural "s" dropped ("orders" → "order")."""
    words = (w for w in _WORD.findall(normalise_text(text)) if len(w) >= 3 and w not in _STOPWORDS)
    return frozenset(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w for w in words)


def word_overlap(example: str, text: str) -> float:
    """Share of the example's content words that also occur in ``text`` (0.0 when it has none)."""
    wanted = content_words(example)
    return len(wanted & content_words(text)) / len(wanted) if wanted else 0.0


def describe_sources(labels: Sequence[str]) -> str:
    if not labels:
        return "configuration"
    return labels[0] if len(labels) == 1 else ", ".join(labels[:-1]) + " and " + labels[-1]


def sentences(text: str) -> list[str]:
    return [sentence.strip() for sentence in _SENTENCE_END.split(text) if sentence.strip()]


def is_negated(sentence: str) -> bool:
    return _NEGATION.search(sentence) is not None


@lru_cache(maxsize=256)
def affirmative_text(text: str) -> str:
    """``text`` without what it forbids: from each negation word to the end of its sentence, or to the next
    "but" or ";", is cut ("Explain refunds and never discuss rivals." keeps "Explain refunds and")."""
    return "\n".join(_NEGATED_SPAN.sub(" | ", sentence) for sentence in sentences(text))


def _found_in(phrase: str, sources: Sequence[TextSource], affirmative: bool) -> list[str]:
    found: list[str] = []
    for label, text in sources:
        checked = affirmative_text(text) if affirmative and label in INSTRUCTION_SOURCES else text
        if checked and phrase_occurs(phrase, checked):
            found.append(label)
    return found


def _only_negated(phrase: str, sources: Sequence[TextSource], affirmative: bool) -> str:
    if affirmative and _found_in(phrase, sources, affirmative=False):
        return " (it only appears after a negation, which does not count)"
    return ""


def phrase_checks(
    condition: str, sources: Sequence[TextSource], *, subject: str, owner: str, affirmative: bool = True
) -> list[Check]:
    """Checks for the quoted / "must not mention" rules of ``condition`` against ``sources``.

    ``subject`` names the condition in sentences ("the success condition"); ``owner`` names whose text is
    checked ("The agent's"). With ``affirmative``, negated sentences of instruction sources are ignored.
    """
    required, forbidden = condition_rules(condition)
    where = describe_sources([label for label, text in sources if text])
    checks: list[Check] = []
    for phrase in required:
        found = _found_in(phrase, sources, affirmative)
        if found:
            checks.append(
                Check(True, f"PASS: required phrase '{phrase}' found in the {describe_sources(found)}.", "")
            )
        else:
            checks.append(
                Check(
                    False,
                    f"FAIL: required phrase '{phrase}' not found in the {where}"
                    f"{_only_negated(phrase, sources, affirmative)}.",
                    f"{owner} {where} do not contain '{phrase}' required by {subject}.",
                )
            )
    for phrase in forbidden:
        found = _found_in(phrase, sources, affirmative)
        if found:
            checks.append(
                Check(
                    False,
                    f"FAIL: forbidden phrase '{phrase}' found in the {describe_sources(found)}.",
                    f"{owner} {describe_sources(found)} contain '{phrase}', which {subject} forbids.",
                )
            )
        else:
            checks.append(
                Check(
                    True,
                    f"PASS: forbidden phrase '{phrase}' does not appear in the {where}"
                    f"{_only_negated(phrase, sources, affirmative)}.",
                    "",
                )
            )
    return checks


def example_check(
    success_examples: Sequence[str], failure_examples: Sequence[str], text: str, *, owner: str
) -> Check | None:
    """Compare examples with ``text`` by word overlap; ``None`` when the examples cannot decide."""
    best_success = max((word_overlap(example, text) for example in success_examples), default=None)
    best_failure = max((word_overlap(example, text) for example in failure_examples), default=None)
    if best_success is None and best_failure is None:
        return None
    detail = (
        f"best success example overlap {_percent(best_success)}, best failure example overlap "
        f"{_percent(best_failure)}"
    )
    if best_success is not None and best_failure is not None:
        if best_success == best_failure:
            return None
        passed = best_success > best_failure
    elif best_success is not None:
        passed = best_success >= EXAMPLE_THRESHOLD
    else:
        passed = best_failure is not None and best_failure < EXAMPLE_THRESHOLD
    if passed:
        return Check(True, f"PASS: examples favour success ({detail}).", "")
    return Check(
        False,
        f"FAIL: examples favour failure ({detail}).",
        f"{owner} configuration is closer to the failure examples than to the success examples ({detail}).",
    )


def _percent(value: float | None) -> str:
    return "n/a" if value is None else f"{round(value * 100)}%"


def verdict_from_checks(checks: Sequence[Check], *, unknown_summary: str, success_summary: str) -> Verdict:
    """All checks pass → success; any fails → failure (first failure explains); none → unknown."""
    messages = [check.message for check in checks]
    failed = [check for check in checks if not check.passed]
    if failed:
        more = f" ({len(failed) - 1} more check(s) failed.)" if len(failed) > 1 else ""
        return Verdict("failure", messages, failed[0].summary + more)
    if not checks:
        return Verdict("unknown", messages or [unknown_summary], unknown_summary)
    return Verdict("success", messages, success_summary)


def evaluate_condition(
    condition: str,
    sources: Sequence[TextSource],
    *,
    subject: str = "the success condition",
    owner: str = "The agent's",
    success_examples: Sequence[str] = (),
    failure_examples: Sequence[str] = (),
) -> Verdict:
    checks = phrase_checks(condition, sources, subject=subject, owner=owner)
    examples = example_check(
        success_examples, failure_examples, " ".join(text for _, text in sources), owner=owner
    )
    if examples is not None:
        checks.append(examples)
    return verdict_from_checks(
        checks,
        unknown_summary=(
            f"Nothing in {subject} can be checked by the emulator's rules: quote the phrases the agent must "
            "say (e.g. 'refund policy'), write 'must not mention X', or add success and failure examples."
        ),
        success_summary=f"{owner} {describe_sources([s for s, t in sources if t])} satisfy all "
        f"{len(checks)} check(s) of {subject}.",
    )


def merge_verdicts(verdicts: Sequence[tuple[str, Verdict]]) -> Verdict:
    """Several named conditions → one verdict: any failure fails, else any unknown is unknown."""
    if len(verdicts) == 1:
        return verdicts[0][1]
    messages = [f"{name}: {message}" for name, verdict in verdicts for message in verdict.messages]
    for wanted in ("failure", "unknown"):
        decisive = [(name, verdict) for name, verdict in verdicts if verdict.result == wanted]
        if decisive:
            name, verdict = decisive[0]
            return Verdict(verdict.result, messages, f"{name[0].upper()}{name[1:]}: {verdict.summary}")
    if not verdicts:
        summary = "There are no conditions to evaluate."
        return Verdict("unknown", [summary], summary)
    return Verdict("success", messages, f"All {len(verdicts)} conditions passed.")


# --- tool parameters --------------------------------------------------------------------------------------


def text_of(value: Any) -> str:
    """A parameter value as the text evaluations compare ("true" for JSON true, numbers unchanged)."""
    return value if isinstance(value, str) else json.dumps(value, sort_keys=True)


def parameter_matches(evaluation: Mapping[str, Any], found: bool, value: Any) -> tuple[bool, str]:
    """Apply one parameter eval (exact / regex / anything / llm); (passed, reason)."""
    kind = str(evaluation.get("type") or "")
    shown = repr(text_of(value)) if found else "no value"
    if kind == "anything":
        return True, f"any value is accepted (got {shown})"
    if not found:
        return False, "the agent would pass no value"
    actual = text_of(value)
    if kind == "exact":
        expected = str(evaluation.get("expected_value") or "")
        ok = actual == expected
        return ok, f"{shown} {'equals' if ok else 'is not'} {expected!r}"
    if kind == "regex":
        pattern = str(evaluation.get("pattern") or "")
        try:
            ok = re.search(pattern, actual) is not None
        except re.error as exc:
            return False, f"the pattern {pattern!r} is not a valid regular expression ({exc})"
        return ok, f"{shown} {'matches' if ok else 'does not match'} /{pattern}/"
    if kind == "llm":
        checks = phrase_checks(
            str(evaluation.get("description") or ""),
            [("value", actual)],
            subject="the description",
            owner="The",
            affirmative=False,  # a value is data, not sentences of the agent
        )
        if not checks:
            return bool(
                actual
            ), f"{shown} is {'non-empty' if actual else 'empty'} (the description has no rules)"
        failed = [c for c in checks if not c.passed]
        return not failed, "; ".join(c.message.split(": ", 1)[1].rstrip(".") for c in (failed or checks))
    return False, f"unknown eval type {kind!r}"
