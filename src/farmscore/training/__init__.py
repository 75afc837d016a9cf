"""Everything that makes a model and measures it, never imported when scoring: the corpora and
their sources, the split, assembled pages, lexicon mining, the training examples, fitting and
calibration, and evaluation."""
