"""Reference cases for the random family: samplers (shapes and dtypes only: mxjax draws JAX's
numbers, not MXNet's), their argument errors, and the probability densities (values)."""
from case import Case, integers, uniform, values


def _sample(id, op, inputs=(), attrs=None, **kw):
    return Case(id, op, inputs, attrs or {}, seed_random=0, compare="shape_dtype", **kw)


POS = uniform((2,), 0.5, 2.0, seed=11)
POS2 = uniform((2,), 0.5, 2.0, seed=12)
PROB = uniform((2,), 0.2, 0.8, seed=13)
SCALARS = {
    "uniform": {"low": -1.0, "high": 2.0}, "normal": {"loc": 1.0, "scale": 2.0},
    "gamma": {"alpha": 2.0, "beta": 0.5}, "exponential": {"scale": 2.0}, "poisson": {"lam": 3.0},
    "negative_binomial": {"k": 3, "p": 0.4}, "generalized_negative_binomial": {"mu": 2.0, "alpha": 0.3},
}
ARRAYS = {
    "uniform": (uniform((2,), -1.0, 0.0, seed=14), POS), "normal": (uniform((2,), seed=15), POS),
    "gamma": (POS, POS2), "exponential": (POS,), "poisson": (POS,),
    "negative_binomial": (POS, PROB), "generalized_negative_binomial": (POS, PROB),
}
OP_SCALARS = {  # the operators' own parameter names (exponential takes the rate there)
    "uniform": {"low": -1.0, "high": 2.0}, "normal": {"loc": 1.0, "scale": 2.0},
    "gamma": {"alpha": 2.0, "beta": 0.5}, "exponential": {"lam": 0.5}, "poisson": {"lam": 3.0},
    "negative_binomial": {"k": 3, "p": 0.4}, "generalized_negative_binomial": {"mu": 2.0, "alpha": 0.3},
}
SAMPLE = uniform((2, 3), 0.2, 0.9, seed=16)
COUNTS = integers((2, 3), 0, 5, seed=17)

CASES = [
    # ---- nd.random.<dist>: numbers or per-element NDArrays ----
    *[_sample(f"rnd.{d}", f"random.{d}", (), dict(p, shape=(2, 3))) for d, p in SCALARS.items()],
    *[_sample(f"rnd.{d}.noshape", f"random.{d}", (), p) for d, p in SCALARS.items()],
    *[_sample(f"rnd.{d}.float64", f"random.{d}", (), dict(p, shape=(4,), dtype="float64"))
      for d, p in SCALARS.items()],
    *[_sample(f"rnd.{d}.ndarray", f"random.{d}", a, {"shape": (3,)}) for d, a in ARRAYS.items()],
    *[_sample(f"rnd.{d}.ndarray.noshape", f"random.{d}", a) for d, a in ARRAYS.items()],
    _sample("rnd.uniform.ndarray.float64_params", "random.uniform",
            (uniform((2,), -1.0, 0.0, dtype="float64"), uniform((2,), 1.0, 2.0, dtype="float64"))),
    _sample("rnd.normal.ndarray.dtype", "random.normal", (uniform((2, 2)), uniform((2, 2), 0.5, 1.0, seed=1)),
            {"shape": (2, 3), "dtype": "float64"}),
    _sample("rnd.uniform.float16", "random.uniform", (), {"shape": (3,), "dtype": "float16"}),
    _sample("rnd.uniform.mixed_error", "random.uniform", (uniform((2,)),), {"high": 3.0}),
    _sample("rnd.normal.mixed_error", "random.normal", (uniform((2,)),), {"scale": 1.0}),
    _sample("rnd.uniform.int_dtype_error", "random.uniform", (), {"shape": (2,), "dtype": "int32"}),
    _sample("rnd.randint", "random.randint", (), {"low": -3, "high": 7, "shape": (2, 3)}),
    _sample("rnd.randint.noshape", "random.randint", (), {"low": 0, "high": 7}),
    _sample("rnd.randint.int64", "random.randint", (), {"low": 0, "high": 7, "shape": (3,), "dtype": "int64"}),
    _sample("rnd.randint.float_dtype_error", "random.randint", (), {"low": 0, "high": 7, "shape": (3,),
                                                                     "dtype": "float32"}),
    _sample("rnd.multinomial", "random.multinomial", (values([0.1, 0.2, 0.7]),)),
    _sample("rnd.multinomial.shape", "random.multinomial", (values([[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]]),),
            {"shape": (2, 3)}),
    _sample("rnd.multinomial.get_prob", "random.multinomial",
            (values([[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]], "float64"),), {"shape": 4, "get_prob": True}),
    _sample("rnd.multinomial.float32", "random.multinomial", (values([[0.3, 0.7]]),), {"dtype": "float32"}),
    _sample("rnd.shuffle", "random.shuffle", (integers((4, 3), 0, 9, "int32"),)),
    _sample("rnd.shuffle.1d", "random.shuffle", (uniform((5,)),)),
    # ---- *_like: the shape and dtype of data ----
    *[_sample(f"rnd.{d}_like", f"random.{d}_like", (uniform((2, 3), dtype=dt),), p)
      for (d, p), dt in zip(OP_SCALARS.items(), ("float16", "float32", "float64", "float32", "float64",
                                                   "float32", "float32"))],
    # ---- the operators by their nd names ----
    _sample("rnd.nd.uniform", "uniform", (), {"low": 0.0, "high": 2.0, "shape": (2, 2)}),
    _sample("rnd.nd.normal", "normal", (), {"shape": (3,), "dtype": "float64"}),
    *[_sample(f"rnd.nd.random_{d}", f"random_{d}", (), dict(p, shape=(2, 2))) for d, p in OP_SCALARS.items()],
    _sample("rnd.nd.random_randint", "random_randint", (), {"low": 0, "high": 4, "shape": (2, 2)}),
    _sample("rnd.nd.random_uniform.noshape_error", "random_uniform", (), {}),
    *[_sample(f"rnd.nd.sample_{d}", f"sample_{d}", a, {"shape": (2,)}) for d, a in ARRAYS.items()
      if d != "exponential"],
    _sample("rnd.nd.sample_exponential", "sample_exponential", (POS,), {"shape": (2, 2), "dtype": "float64"}),
    _sample("rnd.nd.sample_uniform.shape_error", "sample_uniform", (uniform((2,)), uniform((3,), 1.0, 2.0))),
    _sample("rnd.nd.sample_multinomial", "sample_multinomial", (values([[0.1, 0.9], [0.6, 0.4]]),), {"shape": (3,)}),
    _sample("rnd.nd.shuffle", "shuffle", (uniform((3, 2)),)),
    # ---- probability densities: values ----
    *[Case(f"rnd.nd.random_pdf_{d}{'.log' if log else ''}", f"random_pdf_{d}", (s,) + params, {"is_log": log},
           rtol=1e-4, atol=1e-6)
      for d, s, params in (
          ("normal", SAMPLE, (uniform((2,), seed=18), POS)),
          ("uniform", SAMPLE, (uniform((2,), -1.0, 0.0, seed=19), POS)),
          ("exponential", SAMPLE, (POS,)),
          ("gamma", SAMPLE, (POS, POS2)),
          ("poisson", COUNTS, (POS,)),
          ("negative_binomial", COUNTS, (POS, PROB)),
          ("generalized_negative_binomial", COUNTS, (POS, PROB)))
      for log in (False, True)],
    Case("rnd.nd.random_pdf_normal.float64", "random_pdf_normal",
         (uniform((2, 2, 2), dtype="float64"), uniform((2,), dtype="float64", seed=1),
          uniform((2,), 0.5, 1.5, dtype="float64", seed=2)), rtol=1e-7, atol=1e-12),  # MXNet: float32 constants
    Case("rnd.nd.random_pdf_dirichlet", "random_pdf_dirichlet",
         (values([[[0.2, 0.3, 0.5], [0.1, 0.6, 0.3]]]), values([[1.5, 2.0, 0.7]])), rtol=1e-4),
    Case("rnd.nd.random_pdf_dirichlet.log.single", "random_pdf_dirichlet",
         (values([0.25, 0.75]), values([2.0, 3.0])), {"is_log": True}, rtol=1e-4),
    Case("rnd.nd.random_pdf_normal.shape_error", "random_pdf_normal", (SAMPLE, uniform((3,)), uniform((3,), 0.5, 1.0))),
]
