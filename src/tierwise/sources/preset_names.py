"""The names of the bundled CRM presets (``presets/<name>.yaml``).

Named apart from the mapping reader, so the command line can list them in
its help without loading YAML or the model's schema;
:mod:`tierwise.sources.mapping` checks a choice against the same tuple.
"""

from __future__ import annotations

__all__ = ["PRESETS"]

PRESETS = ("salesforce", "hubspot", "generic")
