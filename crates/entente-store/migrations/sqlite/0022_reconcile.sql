-- Reconciling a new version with what is tracked. An obligation whose wording a later version
-- changed keeps its earlier wordings (JSON list, oldest first; null: never revised), each
-- governing the occurrences due before the day it was replaced. One the new text no longer
-- holds is retired from a day on: no occurrences from then, history kept.
alter table obligation add column revisions text;
alter table obligation add column retired_on text;
-- A value a person entered or confirmed that a later version's text contradicts: what the new
-- text says (JSON: value and source), shown in the review queue until a person decides.
alter table term add column conflict text;
