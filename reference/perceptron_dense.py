"""Exercise 04's reference in one module: the perceptron and the dense layer, re-exported.

The functions live in reference/perceptron.py and reference/layers.py; an exercise names one
reference module, so this one gathers them (release_verify inlines both into one file).
"""

from reference.layers import (
    DenseCache,
    count_parameters,
    dense_backward,
    dense_forward,
    dense_parameter_counts,
)
from reference.perceptron import (
    LR,
    MAX_EPOCHS,
    RULES,
    add_bias_column,
    perceptron_predict,
    perceptron_train,
)

__all__ = [
    "LR", "MAX_EPOCHS", "RULES", "DenseCache", "add_bias_column", "count_parameters",
    "dense_backward", "dense_forward", "dense_parameter_counts", "perceptron_predict",
    "perceptron_train",
]
