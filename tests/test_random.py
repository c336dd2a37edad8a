"""mx.random / nd.random: distributions (moments within a few standard errors on 10^4 samples),
seeding and reproducibility, replay of a recorded sample in backward, MXNet's call forms,
argument errors.  The numbers themselves cannot match MXNet's (another generator); the
reference cases in tests/reference/cases_random.py check shapes and dtypes against MXNet."""
import numpy as np
import pytest

import mxjax as mx
from mxjax import autograd, nd
from mxjax.base import MXNetError

N = 10000


def _moments_match(x, mean, var, z=5.0):
    """Sample mean and variance within ``z`` standard errors (the variance's standard error
    estimated from the sample's fourth central moment)."""
    x = np.asarray(x, dtype=np.float64).ravel()
    n = x.size
    m, v = x.mean(), x.var(ddof=1)
    m4 = np.mean((x - m) ** 4)
    se_mean = np.sqrt(var / n)
    se_var = np.sqrt(max(m4 - v * v, 1e-300) / n)
    assert abs(m - mean) < z * se_mean, f"mean {m}, expected {mean} (se {se_mean})"
    assert abs(v - var) < z * se_var, f"variance {v}, expected {var} (se {se_var})"


# name: (sampler(shape, dtype), mean, variance)
DISTRIBUTIONS = {
    "uniform": (lambda s, d: nd.random.uniform(-1.0, 3.0, shape=s, dtype=d), 1.0, 16.0 / 12),
    "normal": (lambda s, d: nd.random.normal(2.0, 0.5, shape=s, dtype=d), 2.0, 0.25),
    "randn": (lambda s, d: nd.random.randn(*s, loc=-1.0, scale=2.0, dtype=d), -1.0, 4.0),
    "gamma": (lambda s, d: nd.random.gamma(2.5, 2.0, shape=s, dtype=d), 5.0, 10.0),
    "gamma small alpha": (lambda s, d: nd.random.gamma(0.3, 1.0, shape=s, dtype=d), 0.3, 0.3),
    "exponential": (lambda s, d: nd.random.exponential(2.0, shape=s, dtype=d), 2.0, 4.0),
    "poisson": (lambda s, d: nd.random.poisson(3.5, shape=s, dtype=d), 3.5, 3.5),
    "poisson large": (lambda s, d: nd.random.poisson(40.0, shape=s, dtype=d), 40.0, 40.0),
    "negative_binomial": (lambda s, d: nd.random.negative_binomial(3, 0.4, shape=s, dtype=d), 4.5, 11.25),
    "generalized_negative_binomial": (lambda s, d: nd.random.generalized_negative_binomial(
        2.0, 0.3, shape=s, dtype=d), 2.0, 3.2),
    "generalized_negative_binomial alpha=0": (lambda s, d: nd.random.generalized_negative_binomial(
        2.0, 0.0, shape=s, dtype=d), 2.0, 2.0),
    "randint": (lambda s, d: nd.random.randint(-3, 7, shape=s, dtype="int64" if d == "float64" else None),
                1.5, (100 - 1) / 12.0),
    "nd.uniform (operator)": (lambda s, d: nd.uniform(low=0.0, high=2.0, shape=s, dtype=d), 1.0, 4.0 / 12),
    "nd.random_gamma (operator)": (lambda s, d: nd.random_gamma(alpha=4.0, beta=0.5, shape=s, dtype=d), 2.0, 1.0),
    "uniform_like": (lambda s, d: nd.random.uniform_like(nd.zeros(s, dtype=d), low=1.0, high=2.0), 1.5, 1 / 12),
    "poisson_like": (lambda s, d: nd.random.poisson_like(nd.zeros(s, dtype=d), lam=2.0), 2.0, 2.0),
}


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("name", sorted(DISTRIBUTIONS))
def test_moments(name, dtype):
    sampler, mean, var = DISTRIBUTIONS[name]
    mx.random.seed(1234)
    x = sampler((N,), dtype)
    assert x.shape == (N,)
    values = x.asnumpy()
    if name.startswith("randint"):
        assert values.dtype == (np.int64 if dtype == "float64" else np.int32)
        assert values.min() >= -3 and values.max() <= 6
    else:
        assert values.dtype == np.dtype(dtype)
    if name.startswith(("poisson", "negative", "generalized")):
        np.testing.assert_array_equal(values, np.floor(values))
        assert values.min() >= 0
    _moments_match(values, mean, var)


# per-element parameters: (sampler(shape), per-row means, per-row variances)
PER_ELEMENT = {
    "uniform": (lambda s: nd.random.uniform(nd.array([0.0, -2.0]), nd.array([1.0, 2.0]), shape=s),
                [0.5, 0.0], [1 / 12, 16 / 12]),
    "normal": (lambda s: nd.random.normal(nd.array([0.0, 5.0]), nd.array([1.0, 0.5]), shape=s),
               [0.0, 5.0], [1.0, 0.25]),
    "gamma": (lambda s: nd.random.gamma(nd.array([0.5, 3.0]), nd.array([1.0, 2.0]), shape=s),
              [0.5, 6.0], [0.5, 12.0]),
    "exponential": (lambda s: nd.random.exponential(nd.array([1.0, 0.25]), shape=s), [1.0, 0.25], [1.0, 0.0625]),
    "poisson": (lambda s: nd.random.poisson(nd.array([0.5, 25.0]), shape=s), [0.5, 25.0], [0.5, 25.0]),
    "negative_binomial": (lambda s: nd.random.negative_binomial(nd.array([2.0, 5.0]), nd.array([0.5, 0.8]), shape=s),
                          [2.0, 1.25], [4.0, 1.5625]),
    "generalized_negative_binomial": (lambda s: nd.sample_generalized_negative_binomial(
        nd.array([1.0, 4.0]), nd.array([0.5, 0.1]), shape=s), [1.0, 4.0], [1.5, 5.6]),
}


@pytest.mark.parametrize("name", sorted(PER_ELEMENT))
def test_per_element_parameters(name):
    sampler, means, variances = PER_ELEMENT[name]
    mx.random.seed(7)
    x = sampler((N,))
    assert x.shape == (2, N) and x.dtype == np.float32
    for row, mean, var in zip(x.asnumpy(), means, variances):
        _moments_match(row, mean, var)


def test_per_element_output_shape_is_parameter_shape_plus_shape():
    low, high = nd.zeros((2, 3)), nd.ones((2, 3))
    assert nd.random.uniform(low, high).shape == (2, 3)
    assert nd.random.uniform(low, high, shape=(4, 5)).shape == (2, 3, 4, 5)
    assert nd.sample_uniform(low, high, shape=4, dtype="float64").dtype == np.float64
    assert nd.random.uniform(low.astype("float64"), high.astype("float64")).dtype == np.float32


def test_multinomial_frequencies():
    probs = np.array([[0.1, 0.6, 0.3], [0.5, 0.0, 0.5]])
    mx.random.seed(3)
    s = nd.random.multinomial(nd.array(probs), shape=N).asnumpy()
    assert s.shape == (2, N) and s.dtype == np.int32
    for row, p in zip(s, probs):
        freq = np.bincount(row, minlength=3) / N
        np.testing.assert_allclose(freq, p, atol=5 * np.sqrt(0.25 / N))
    assert not (s[1] == 1).any(), "a zero-probability category is never drawn"


def test_multinomial_unnormalized_like_mxnet():
    """MXNet inverts the cumulative sum: a total below 1 leaves draws past it, which get index k."""
    mx.random.seed(3)
    s = nd.random.multinomial(nd.array([0.2, 0.3]), shape=N).asnumpy()
    np.testing.assert_allclose(np.bincount(s, minlength=3) / N, [0.2, 0.3, 0.5], atol=0.03)


def test_multinomial_get_prob():
    p = nd.array([[0.25, 0.75]], dtype="float64")
    s, logp = nd.random.multinomial(p, shape=(5,), get_prob=True)
    np.testing.assert_allclose(logp.asnumpy(), np.log(p.asnumpy()[0][s.asnumpy()]))
    assert logp.dtype == np.float64 and s.shape == (1, 5)


def test_shuffle_permutes_the_first_axis():
    data = np.arange(20).reshape(10, 2)
    mx.random.seed(5)
    out = nd.random.shuffle(nd.array(data, dtype="int32")).asnumpy()
    assert out.dtype == np.int32
    assert sorted(map(tuple, out)) == sorted(map(tuple, data))
    assert not np.array_equal(out, data)
    assert np.array_equal(nd.shuffle(nd.array(data)).asnumpy().sum(axis=0), data.sum(axis=0))


# ---- seeds, reproducibility, replay -----------------------------------------------------------------

def _draws():
    return [nd.random.uniform(shape=(3,)).asnumpy(), nd.random.normal(shape=(2, 2), dtype="float64").asnumpy(),
            nd.random.gamma(2.0, shape=(3,)).asnumpy(),
            nd.random.multinomial(nd.array([0.3, 0.7]), shape=4).asnumpy(),
            nd.random.shuffle(nd.arange(6)).asnumpy(), nd.random.randint(0, 100, shape=(4,)).asnumpy(),
            nd.sample_normal(nd.zeros((2,)), nd.ones((2,)), shape=3).asnumpy()]


def test_same_seed_same_numbers():
    mx.random.seed(42)
    first = _draws()
    mx.random.seed(42)
    second = _draws()
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)
    mx.random.seed(43)
    third = _draws()
    assert not np.array_equal(first[0], third[0])


def test_consecutive_draws_differ():
    mx.random.seed(0)
    a, b = nd.random.uniform(shape=(5,)).asnumpy(), nd.random.uniform(shape=(5,)).asnumpy()
    assert not np.array_equal(a, b)


def test_mx_random_and_nd_random_share_the_stream():
    mx.random.seed(9)
    a = mx.random.uniform(shape=(4,)).asnumpy()
    mx.random.seed(9)
    b = nd.random.uniform(shape=(4,)).asnumpy()
    np.testing.assert_array_equal(a, b)


def test_recorded_sample_is_replayed_in_backward():
    """The key is an input of the node: backward sees the very sample the forward drew."""
    x = nd.array(np.random.RandomState(0).uniform(size=(3, 4)))
    x.attach_grad()
    with autograd.record():
        noise = nd.random.normal_like(x)
        y = (x * noise + nd.random.uniform(shape=(3, 4))).sum()
    y.backward()
    np.testing.assert_allclose(x.grad.asnumpy(), noise.asnumpy(), rtol=1e-6)


def test_sample_parameters_get_zero_gradient():
    """MXNet registers no gradient into a sampler's parameters."""
    mu, sigma = nd.array([0.5, 1.0]), nd.array([1.0, 2.0])
    mu.attach_grad()
    sigma.attach_grad()
    with autograd.record():
        y = nd.random.normal(mu, sigma, shape=(3,))
    y.backward()
    np.testing.assert_array_equal(mu.grad.asnumpy(), 0)
    np.testing.assert_array_equal(sigma.grad.asnumpy(), 0)


# ---- MXNet's call forms ---------------------------------------------------------------------------

def test_default_shape_ctx_and_out():
    assert nd.random.uniform().shape == (1,)
    assert nd.random.randint(0, 3).shape == (1,)
    assert nd.random.uniform(shape=2, ctx=mx.cpu()).context == mx.cpu()
    assert nd.uniform(shape=(2,), ctx="cpu(0)").context == mx.cpu()
    with mx.cpu(0):
        assert nd.random_normal(shape=(2,)).context == mx.cpu(0)
    out = nd.zeros((2, 3), dtype="float64")
    res = nd.random.normal(out=out)
    assert res is out and out.dtype == np.float64 and out.shape == (2, 3)
    assert np.all(out.asnumpy() != 0)
    out2 = nd.zeros((4,))
    nd.uniform(low=5, high=6, shape=(4,), out=out2)
    assert np.all((out2.asnumpy() >= 5) & (out2.asnumpy() < 6))


def test_positional_operator_call():
    x = nd.uniform(2, 3, (2, 5))
    assert x.shape == (2, 5) and np.all((x.asnumpy() >= 2) & (x.asnumpy() < 3))


def test_namespaces():
    for name in ("uniform", "normal", "randn", "randint", "exponential", "gamma", "poisson", "negative_binomial",
                 "generalized_negative_binomial", "multinomial", "shuffle", "seed"):
        assert callable(getattr(mx.random, name)), name
    for name in ("uniform_like", "normal_like", "gamma_like", "exponential_like", "poisson_like",
                 "negative_binomial_like", "generalized_negative_binomial_like"):
        assert callable(getattr(nd.random, name)), name
    for dist in ("uniform", "normal", "gamma", "exponential", "poisson", "negative_binomial",
                 "generalized_negative_binomial"):
        assert callable(getattr(nd, f"random_{dist}")) and callable(getattr(nd, f"sample_{dist}"))
        assert callable(getattr(nd, f"random_pdf_{dist}"))
    for name in ("uniform", "normal", "random_randint", "sample_multinomial", "shuffle", "random_pdf_dirichlet"):
        assert callable(getattr(nd, name)), name
    assert nd.gamma is not nd.random_gamma  # nd.gamma is the gamma function, as in MXNet


# ---- errors -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("call,message", [
    (lambda: nd.random.uniform(2, 1, shape=2), "low must be less or equal to high"),
    (lambda: nd.random.normal(0, -1, shape=2), "scale parameter in gaussian has to be positive"),
    (lambda: nd.random.gamma(-1, shape=2), "alpha parameter in gamma distribution has to be positive"),
    (lambda: nd.random.gamma(1, -1, shape=2), "beta parameter in gamma distribution has to be positive"),
    (lambda: nd.random.exponential(-1, shape=2), "lambda parameter in exponential distribution"),
    (lambda: nd.random.poisson(-1, shape=2), "lambda parameter in poisson distribution has to be non-negative"),
    (lambda: nd.random.negative_binomial(-1, 0.5, shape=2), "k parameter in negative binomial"),
    (lambda: nd.random.generalized_negative_binomial(1, -0.5, shape=2), "alpha parameter in generalized"),
    (lambda: nd.random.randint(5, 3, shape=2), "low must be less or equal to high"),
])
def test_parameter_range_errors_surface_at_the_sync_point(call, message):
    """MXNet checks a sampler's parameters in its kernel: the call returns, reading raises."""
    out = call()
    assert out.shape == (2,)
    with pytest.raises(MXNetError, match=message):
        out.asnumpy()
    out.asnumpy()                       # raised once, then cleared


@pytest.mark.parametrize("call,message", [
    (lambda: nd.random.uniform(shape=2, dtype="int32"), "invalid dtype 'int32'"),
    (lambda: nd.random.randint(0, 5, shape=2, dtype="float32"), "invalid dtype 'float32'"),
    (lambda: nd.random_uniform(), "shape must be given"),
    (lambda: nd.random.randn(), "shape must be given"),
    (lambda: nd.sample_uniform(nd.zeros((2,)), nd.ones((3,))), "must be equal"),
    (lambda: nd.random.poisson_like(nd.ones((2,), dtype="int32")), "floating point"),
])
def test_argument_errors(call, message):
    with pytest.raises(MXNetError, match=message):
        call()


def test_mixed_parameter_types_are_an_assertion_error():
    with pytest.raises(AssertionError, match="Distribution parameters must all have the same type"):
        nd.random.uniform(nd.zeros((2,)), 1.0)
    with pytest.raises(TypeError):
        nd.random.randint(nd.zeros((2,)), nd.ones((2,)))


# ---- the bit stream and the cold tier of random operators (random_bits.py) ---------------------------

@pytest.mark.parametrize("dtype", ["float16", "float32", "float64"])
def test_samplers_draw_jax_random_numbers(dtype):
    """The samplers' bits are JAX's threefry bits: the numbers are jax.random's."""
    import jax
    mx.random.seed(7)
    got = [nd.random.uniform(-0.5, 2.0, shape=(2, 3, 4), dtype=dtype).asnumpy(),
           nd.random.normal(shape=(5, 3), dtype=dtype).asnumpy(),
           nd.random.exponential(shape=(7,), dtype=dtype).asnumpy()]
    keys = [np.array([7, i], np.uint32) for i in (1, 2, 3)]
    compute = np.float64 if dtype == "float64" else np.float32
    want = [np.asarray(-0.5 + 2.5 * jax.random.uniform(keys[0], (2, 3, 4), compute)).astype(dtype),
            np.asarray(jax.random.normal(keys[1], (5, 3), compute)).astype(dtype),
            np.asarray(jax.random.exponential(keys[2], (7,), compute)).astype(dtype)]
    for g, w in zip(got, want):   # the same bits; the transforms may round an ulp apart
        np.testing.assert_allclose(g, w, rtol=4 * np.finfo(dtype).eps)


def test_cold_and_compiled_tiers_draw_the_same_numbers():
    """A new shape runs cold (bucketed bits); a repeated plan runs compiled (the hash inlined)."""
    def step():
        x = nd.ones((3, 5))
        return (nd.random.uniform(shape=(3, 5)) * x + 1).asnumpy()
    draws = []
    for _ in range(3):
        mx.random.seed(11)
        draws.append(step())
    np.testing.assert_array_equal(draws[0], draws[1])
    np.testing.assert_array_equal(draws[0], draws[2])


def test_dropout_mask_is_replayed_in_the_cold_backward():
    x = nd.ones((6, 7))
    x.attach_grad()
    with autograd.record():
        y = nd.Dropout(x, p=0.5)
    y.backward()
    out = y.asnumpy()
    assert set(np.unique(out)) <= {0.0, 2.0} and 0 < (out == 0).sum() < out.size
    np.testing.assert_array_equal(x.grad.asnumpy(), out)


def test_new_shapes_share_the_bucketed_hash():
    """Shapes within one size bucket hash their bits with one compiled function."""
    from mxjax._engine import random_bits
    nd.random.uniform(shape=(2, 3)).asnumpy()
    hashes = random_bits._words._cache_size()
    for shape in [(4, 5, 6), (7,), (3, 3, 3, 3)]:
        nd.random.normal(shape=shape).asnumpy()
    assert random_bits._words._cache_size() == hashes
