"""onnxlearn.notebook.setup_notebook: deterministic, quiet notebook output."""

import random
import warnings

import matplotlib
import numpy as np
import pytest
import sklearn

from onnxlearn import setup_notebook


@pytest.fixture
def restored_state():
    """Run the test with numpy, sklearn, matplotlib and warnings state put back afterwards."""
    print_options = np.get_printoptions()
    random_state = random.getstate()
    numpy_state = np.random.get_state()
    with warnings.catch_warnings(), sklearn.config_context(), matplotlib.rc_context():
        yield
    np.set_printoptions(**print_options)
    random.setstate(random_state)
    np.random.set_state(numpy_state)


def test_numpy_prints_four_decimals_without_scientific_noise(restored_state):
    np.set_printoptions(precision=8, suppress=False)
    setup_notebook()
    options = np.get_printoptions()
    assert (options["precision"], options["suppress"], options["linewidth"]) == (4, True, 100)
    assert repr(np.array([1 / 3, 1e-9])) == "array([0.3333, 0.    ])"


def test_scikit_learn_shows_estimators_as_text(restored_state):
    sklearn.set_config(display="diagram")
    setup_notebook()
    assert sklearn.get_config()["display"] == "text"


def test_matplotlib_style(restored_state):
    setup_notebook()
    params = matplotlib.rcParams
    assert tuple(params["figure.figsize"]) == (6.4, 3.6)
    assert params["figure.dpi"] == params["savefig.dpi"] == 100
    assert params["axes.grid"] is True
    assert params["axes.spines.top"] is False and params["axes.spines.right"] is False


@pytest.mark.parametrize("seed", [0, 7])
def test_random_generators_are_seeded(restored_state, seed):
    setup_notebook(seed=seed)
    drawn = (random.random(), np.random.rand())
    assert drawn == (random.Random(seed).random(), np.random.RandomState(seed).rand())


def test_default_seed_is_zero(restored_state):
    setup_notebook()
    assert np.random.rand() == np.random.RandomState(0).rand()


def warn_from(module: str, message: str, category) -> None:
    """Issue a warning as if the code of ``module`` had issued it."""
    warnings.warn_explicit(message, category, filename=f"{module}.py", lineno=1, module=module)


@pytest.mark.parametrize("module, category, message", [
    ("sklearn.base", FutureWarning, "this default will change in version 2"),
    ("skl2onnx.common", DeprecationWarning, "this function is deprecated"),
    ("onnxruntime.quantization", DeprecationWarning, "use the new API"),
    ("sklearn.utils.validation", UserWarning,
     "X does not have valid feature names, but LogisticRegression was fitted"),
    ("sklearn.base", UserWarning, "Trying to unpickle estimator DecisionTree from version 1.0"),
    ("matplotlib.pyplot", UserWarning,
     "FigureCanvasAgg is non-interactive, and thus cannot be shown"),
])
def test_known_noisy_warnings_are_hidden(restored_state, module, category, message):
    warnings.simplefilter("always")
    setup_notebook()
    with warnings.catch_warnings(record=True) as caught:
        warn_from(module, message, category)
    assert caught == []


def test_deprecations_about_the_learners_own_code_still_show(restored_state):
    warnings.simplefilter("always")
    setup_notebook()
    with warnings.catch_warnings(record=True) as caught:
        warn_from("__main__", "my_helper is deprecated", DeprecationWarning)
        warn_from("mylib.models", "this default changes", FutureWarning)
    assert [type(w.message) for w in caught] == [DeprecationWarning, FutureWarning]


def test_other_warnings_still_show(restored_state):
    warnings.simplefilter("always")
    setup_notebook()
    with warnings.catch_warnings(record=True) as caught:
        warnings.warn("the model has a problem you should know about", UserWarning, stacklevel=2)
        warnings.warn("something odd", RuntimeWarning, stacklevel=2)
    assert [type(w.message) for w in caught] == [UserWarning, RuntimeWarning]


def test_calling_twice_is_harmless(restored_state):
    setup_notebook()
    filters_after_one = len(warnings.filters)
    setup_notebook()
    assert len(warnings.filters) == filters_after_one  # filterwarnings does not pile up
