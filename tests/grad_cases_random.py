"""Gradient cases for the random family.

Samples are constants of the graph (MXNet gives their parameters a zero gradient); the
probability densities ``_random_pdf_*`` are differentiable in their parameters and, for
continuous distributions, in the sample (a discrete sample gets a zero gradient, as in MXNet).
"""
from mxjax import nd

from gradcheck import Case, fixed, uniform

_SAMPLER = "random sampler without array inputs: the sample is a constant of the graph"
_LIKE = "sampler: only the shape and dtype of data are used, so data gets a zero gradient"
_PER_ELEMENT = "sampler with per-element parameters: MXNet gives the parameters a zero gradient"

POS = uniform(0.5, 2.0, (2,))
PROB = uniform(0.2, 0.8, (2,))
SAMPLE = uniform(0.2, 0.9, (2, 3))
COUNTS = fixed([[0.0, 1.0, 3.0], [2.0, 5.0, 1.0]])

CASES = {
    # one case per density, is_log alternating (both branches are one exp apart)
    **{f"_random_pdf_{dist}": [Case(inputs, attrs=dict(is_log=log), const=const, label="log" if log else "pdf",
                                    out_shape=(2, 3))]
       for dist, inputs, const, log in (
           ("normal", (SAMPLE, uniform(-1, 1, (2,)), POS), (), False),
           ("uniform", (SAMPLE, uniform(-1, 0, (2,)), POS), (), True),
           ("exponential", (SAMPLE, POS), (), False),
           ("gamma", (SAMPLE, POS, POS), (), True),
           ("poisson", (COUNTS, POS), (0,), False),
           ("negative_binomial", (COUNTS, POS, PROB), (0,), True),
           ("generalized_negative_binomial", (COUNTS, POS, PROB), (0,), False))},
    "_random_pdf_dirichlet": [
        Case((SAMPLE, uniform(0.5, 2.0, (3,))), out_shape=(2,)),
        Case((uniform(0.2, 0.9, (2, 2, 3)), uniform(0.5, 2.0, (2, 3))), attrs=dict(is_log=True), label="log batch",
             out_shape=(2, 2)),
    ],
}

NON_DIFFERENTIABLE = {
    "_sample_unique_zipfian": (_SAMPLER, Case((), call=lambda: nd._internal._sample_unique_zipfian(
        10, shape=(2, 3))[0], out_dtype="int64")),
    "_random_generalized_negative_binomial": (_SAMPLER, Case((), call=lambda: nd.random.generalized_negative_binomial(
        2.0, 0.3, shape=(2, 3), dtype="float64"), out_dtype="float64")),
    **{f"_random_{dist}_like": (_LIKE, Case((uniform(0.5, 1.0),), attrs=attrs, seed=1))
       for dist, attrs in (("uniform", dict(low=-1.0, high=1.0)), ("normal", dict(loc=1.0, scale=2.0)),
                           ("gamma", dict(alpha=2.0, beta=0.5)), ("exponential", dict(lam=2.0)),
                           ("poisson", dict(lam=3.0)), ("negative_binomial", dict(k=3, p=0.4)),
                           ("generalized_negative_binomial", dict(mu=2.0, alpha=0.3)))},
    **{f"_sample_{dist}": (_PER_ELEMENT, Case(inputs, attrs=dict(shape=(3,), dtype="float64"), seed=1))
       for dist, inputs in (("uniform", (uniform(-1, 0, (2,)), POS)), ("normal", (uniform(-1, 1, (2,)), POS)),
                            ("gamma", (POS, POS)), ("exponential", (POS,)), ("poisson", (POS,)),
                            ("negative_binomial", (POS, PROB)), ("generalized_negative_binomial", (POS, PROB)))},
}
