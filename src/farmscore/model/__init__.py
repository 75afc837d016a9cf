"""What scores and how it is stored: the machine head (`farm_model`), its trees
(`tree_forest`), its wording block (`wording`), the exact contributions behind its reasons
(`contributions`), the length bands (`length_bands`), the verdict that joins the machine head,
the substance reference and the tells (`verdict`), and the model folder with its card
(`folder`, `card`, in the format of `file_format`). Imports numpy, never scikit-learn."""
