"""The evidence facts, one module per section of the facts JSON (docs/evidence-schema.md).

`evidence.selectors.evidence_facts_get` assembles them; nothing else builds facts.
"""

from __future__ import annotations
