"""Make notebook output deterministic and quiet.

Examples
--------
>>> setup_notebook()
"""

from __future__ import annotations

import random
import warnings

import numpy as np

SEED = 0

#: Libraries whose deprecation notices are about their own internals or each
#: other's APIs, not about the learner's code.
THIRD_PARTY = r"(sklearn|skl2onnx|onnxconverter_common|onnx|onnxruntime|onnxscript|torch|" \
              r"matplotlib|jupyter_client|ipykernel|networkx|joblib|scipy)(\.|$)"

# Known noisy third-party warnings that say nothing to a learner:
# (category, message regex, module regex of the code that warns).
_QUIET = [
    (FutureWarning, r".*", THIRD_PARTY),
    (DeprecationWarning, r".*", THIRD_PARTY),
    (UserWarning, r".*X does not have valid feature names.*", ".*"),
    (UserWarning, r".*Trying to unpickle estimator.*", ".*"),
    (UserWarning, r".*FigureCanvasAgg is non-interactive.*", ".*"),
]


def setup_notebook(*, seed: int = SEED) -> None:
    """Set deterministic display settings for a course notebook.

    * numpy prints 4 significant decimals and no scientific noise;
    * scikit-learn shows estimators as text, not HTML widgets;
    * matplotlib uses one size, resolution and style everywhere;
    * Python's and numpy's global random generators are seeded;
    * known noisy warnings from third-party libraries are hidden (their
      deprecation notices included), while warnings about the learner's own
      code still show; onnxruntime only logs errors.

    Parameters
    ----------
    seed : int, default 0
        Seed for ``random`` and ``numpy.random``.

    Examples
    --------
    >>> setup_notebook(seed=1)
    >>> import numpy as np
    >>> np.array([1 / 3])
    array([0.3333])
    """
    np.set_printoptions(precision=4, suppress=True, linewidth=100)
    random.seed(seed)
    np.random.seed(seed)
    for category, message, module in _QUIET:
        warnings.filterwarnings("ignore", message=message, category=category, module=module)

    import sklearn

    sklearn.set_config(display="text")

    import matplotlib

    matplotlib.rcParams.update({
        "figure.figsize": (6.4, 3.6), "figure.dpi": 100, "savefig.dpi": 100,
        "axes.grid": True, "grid.alpha": 0.3, "axes.spines.top": False,
        "axes.spines.right": False, "font.size": 10,
    })

    import onnxruntime

    onnxruntime.set_default_logger_severity(3)
