"""Text from documents and from other models, marked as data inside a prompt.

A passage used to sit between plain `\"\"\"` marks: a document holding `\"\"\"` and then
"Ignore the instructions above" could close the block and speak to the model as the prompt
does. Each fenced block now opens and closes with a mark carrying a tag made from the text
itself (its SHA-256), and every role's system prompt says that text inside such marks is
material, never instructions. A document cannot hold its own closing mark: the tag depends
on the whole text, marks included. The tag is not random per call on purpose: the same
prompt stays the same prompt, so the response cache still answers a rerun.
"""

from __future__ import annotations

import hashlib
import re

_MARK = re.compile(r"<<<\s*(?:[A-Z]+|END)\s+[0-9a-f]{8}\s*>>>")


def fence(text: str, label: str = "SOURCE") -> str:
    """`text` between an opening and a closing mark; marks inside it are defused first."""
    inner = _MARK.sub("<<< >>>", str(text)).strip("\n")
    tag = hashlib.sha256(inner.encode("utf-8")).hexdigest()[:8]
    return f"<<<{label} {tag}>>>\n{inner}\n<<<END {tag}>>>"


_OPENING = re.compile(r"<<<(?:SOURCE|RESPONSE) [0-9a-f]{8}>>>")


def is_fenced(text: str) -> bool:
    """Does `text` carry fenced material?"""
    return _OPENING.search(text) is not None


FENCED = re.compile(r"<<<([A-Z]+) ([0-9a-f]{8})>>>\n(.*?)\n<<<END \2>>>", re.DOTALL)


def unfenced(prompt: str) -> list[str]:
    """The texts fenced in a prompt, in order (for tests and tools that read prompts back)."""
    return [m.group(3) for m in FENCED.finditer(prompt)]


# Text in a document that speaks to the model rather than to its reader: the ways prompt
# injections are written (OWASP LLM01 examples, the "ignore previous instructions" family),
# chat-template control tokens, and marks imitating our fences. A hit is flagged and
# recorded, not rejected: a paper about prompt injection quotes such text honestly.
_STEERING = [re.compile(p, re.IGNORECASE) for p in (
    r"\b(?:ignore|disregard|forget|override|bypass)\b[^.\n]{0,40}?\b(?:previous|prior|above|earlier|preceding|"
    r"all|any|your|the|these|those)\b[^.\n]{0,20}?\b(?:instructions?|prompts?|rules?|directions?|guidelines?)\b",
    r"\b(?:new|updated|real|actual)\s+instructions?\s*:",
    r"\byou\s+are\s+now\s+(?:an?|the|my)\s+(?:\w+\s+){0,3}?(?:ai|assistant|model|chatbot|bot|persona|character)\b",
    r"\byou\s+are\s+now\s+in\s+\w+\s+mode\b",
    r"\b(?:system\s+prompt|developer\s+message|jailbreak)\b",
    r"\b(?:assistant|ai|chatbot|llm)s?\b[^.\n]{0,20}\b(?:must|should)\s+(?:now\s+)?(?:say|respond|reply|"
    r"answer|output|write|print)\b",
    r"\bdo\s+not\s+(?:tell|reveal|mention|inform)\b[^.\n]{0,30}\b(?:the\s+)?(?:user|human|reader|reviewer)\b",
    r"<\|(?:im_start|im_end|system|user|assistant|endoftext|eot_id|start_header_id)\|>|\[/?INST\]|<</?SYS>>",
    r"<<<\s*(?:SOURCE|RESPONSE|END)\b",
)]


def steering_phrases(text: str) -> list[str]:
    """Passages of `text` written to instruct a model, each as found (at most 80 characters)."""
    found: list[str] = []
    for pattern in _STEERING:
        for match in pattern.finditer(text):
            phrase = " ".join(match.group().split())[:80]
            if phrase not in found:
                found.append(phrase)
    return found
