"""Plain float64 NumPy references, written independently of the core (the suite's oracle).

Each takes a float64 array and the activation's parameters and returns float64. rrelu is
given its slopes explicitly; the suite compares it in evaluation mode.
"""

import numpy as np

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _negative(x, values):
    return np.where(x > 0, x, values)


def relu(x):
    return np.where(np.isnan(x), x, np.where(x > 0, x, 0.0))


def relu6(x):
    return np.where(np.isnan(x), x, np.clip(np.where(x > 0, x, 0.0), 0.0, 6.0))


def leaky_relu(x, alpha):
    return _negative(x, alpha * x)


def prelu(x, alpha):
    return _negative(x, np.asarray(alpha, dtype=np.float64) * x)


def rrelu(x, lower, upper):
    return _negative(x, (lower + upper) / 2 * x)


def elu(x, alpha):
    with np.errstate(over="ignore", invalid="ignore"):
        return _negative(x, alpha * np.expm1(np.minimum(x, 0.0)))


def selu(x):
    return SELU_SCALE * elu(x, SELU_ALPHA)


def sigmoid(x):
    # scipy.special.expit(-710.0) is 0.0, but the answer is the subnormal 4.476e-309: use the
    # branch that never overflows on each side instead
    with np.errstate(over="ignore"):
        e = np.exp(-np.abs(x))
        return np.where(x >= 0, 1 / (1 + e), e / (1 + e))


def tanh(x):
    return np.tanh(x)


def softmax(x, axis):
    if x.ndim == 0:
        return softmax(x.reshape(1), 0).reshape(())
    if x.size == 0:
        return x.copy()
    with np.errstate(invalid="ignore", over="ignore"):
        e = np.exp(x - np.max(x, axis=axis, keepdims=True))
        return e / np.sum(e, axis=axis, keepdims=True)


def derivative(name, x, **params):
    """f'(x) by the kink rule, from the textbook formulas."""
    positive = x > 0
    with np.errstate(over="ignore", invalid="ignore"):
        table = {
            "relu": lambda: np.where(positive, 1.0, 0.0),
            "relu6": lambda: np.where(positive & (x < 6), 1.0, 0.0),
            "leaky_relu": lambda: np.where(positive, 1.0, params["alpha"]),
            "prelu": lambda: np.where(positive, 1.0, np.broadcast_to(params["alpha"], x.shape)),
            "rrelu": lambda: np.where(positive, 1.0, (params["lower"] + params["upper"]) / 2),
            "elu": lambda: np.where(positive, 1.0, params["alpha"] * np.exp(np.minimum(x, 0.0))),
            "selu": lambda: SELU_SCALE * np.where(positive, 1.0, SELU_ALPHA * np.exp(np.minimum(x, 0.0))),
            "sigmoid": lambda: sigmoid(x) * sigmoid(-x),
            "tanh": lambda: 1 / np.cosh(x) ** 2,
        }
        return table[name]()


def forward(name, x, **params):
    hyper = {k: v for k, v in params.items() if k not in ("training", "seed")}
    return globals()[name](x, **hyper)


def integer_forward(name, x):
    """relu and relu6 on integers, in the integer dtype."""
    upper = {"relu": None, "relu6": 6}[name]
    return np.clip(x, x.dtype.type(0), None if upper is None else x.dtype.type(upper))
