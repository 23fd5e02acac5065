"""The evidence facts, one module per section of the facts JSON (docs/evidence-schema.md).

`evidence.facts.build.person_facts_build` assembles them; nothing else builds facts. Their types are in
`evidence.facts.schema`.
"""

from __future__ import annotations
