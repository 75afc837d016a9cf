"""What scores and how it is stored: the fitted model (`farm_model`), its trees
(`tree_forest`), its wording block (`wording`), its reasons (`occlusion`), and the model folder
with its card (`folder`, in the format of `file_format`). Imports numpy, never scikit-learn."""
