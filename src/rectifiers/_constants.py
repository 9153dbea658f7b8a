"""Constants the math needs in more than one place (the reference and the compiled kernels).

>>> round(SELU_SCALE * SELU_ALPHA, 12) == round(SELU_SCALE_ALPHA, 12)
True
"""

#: SELU's constants (Klambauer et al. 2017), as every framework spells them.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946
SELU_SCALE_ALPHA = 1.7580993408473768599402175208123
