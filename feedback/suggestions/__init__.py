"""Deputies' motions and suggestions (代表议案、建议, §四(一)3, §四(三), §五), from the draft to the
deputy's rating and publication.

- `models`: the suggestion, its co-signers, attachments, source opinions, consultations, replies,
  extensions and its append-only timeline;
- `workflow`: one table of transitions and one entry point (`apply_action`), compare-and-set; its
  pieces in `steps` (fields, effects, data parsing), shared rules in `rules`, the source opinions that
  follow their suggestion in `source_opinions`, superseded routing drafts in `drafts`;
- `permissions`: who sees and does what (the query and the predicates side by side);
- `services`: drafting (create, edit, attachments);
- the due dates are in `feedback/deadlines.py` with the others.

This package's `__init__` imports nothing: `feedback.models` loads `feedback.suggestions.models`.
"""
