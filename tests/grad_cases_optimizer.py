"""Gradient cases of the optimizer update operators (mxjax/ndarray/ops/optimizer_update.py).

MXNet registers no gradient for them; in mxjax they are ordinary JAX functions, so their
gradients are checked like any operator's.  They write their state inputs in place, so each
case hands them copies of the states (as the BatchNorm cases do)."""
from mxjax import nd

from gradcheck import Case, away, uniform

U = uniform(-1.0, 1.0)
POS = uniform(0.5, 1.5)


def _copying(name, n_states, **attrs):
    """Call ``nd.<name>`` on the weight, the gradient and copies of the ``n_states`` trailing states."""
    def call(*xs):
        head, states = xs[:len(xs) - n_states], xs[len(xs) - n_states:]
        return getattr(nd, name)(*head, *(s.copy() for s in states), **attrs)
    return call


CASES = {
    "sgd_update": [Case((U, U), attrs=dict(lr=0.1, wd=0.1, rescale_grad=0.5)),
                   Case((U, away((-0.6, 0.6))), attrs=dict(lr=0.1, rescale_grad=0.5, clip_gradient=0.3),
                        label="clipped")],
    "sgd_mom_update": [Case((U, U, U), call=_copying("sgd_mom_update", 1, lr=0.1, momentum=0.9, wd=0.1))],
    "mp_sgd_update": [Case((U, U, U), call=_copying("mp_sgd_update", 1, lr=0.1, wd=0.1), const=(0,))],
    "mp_sgd_mom_update": [Case((U, U, U, U), call=_copying("mp_sgd_mom_update", 2, lr=0.1, momentum=0.9, wd=0.1),
                               const=(0,))],
    "nag_mom_update": [Case((U, U, U), call=_copying("nag_mom_update", 1, lr=0.1, momentum=0.9, wd=0.1))],
    "mp_nag_mom_update": [Case((U, U, U, U), call=_copying("mp_nag_mom_update", 2, lr=0.1, momentum=0.9, wd=0.1),
                               const=(0,))],
    "signsgd_update": [Case((U, away()), attrs=dict(lr=0.1, wd=0.1))],
    "signum_update": [Case((U, U, away((0.0,), 0.5, 1.5)),
                           call=_copying("signum_update", 1, lr=0.1, momentum=0.9, wd=0.1, wd_lh=0.1))],
    "ftml_update": [Case((U, U, U, POS, U), call=_copying("ftml_update", 3, lr=0.1, t=2, wd=0.1))],
    "adam_update": [Case((U, U, U, POS), call=_copying("adam_update", 2, lr=0.1, wd=0.1))],
    "rmsprop_update": [Case((U, U, POS), call=_copying("rmsprop_update", 1, lr=0.1, wd=0.1))],
    "rmspropalex_update": [Case((U, U, uniform(1.0, 2.0), uniform(-0.5, 0.5), U),
                                call=_copying("rmspropalex_update", 3, lr=0.1, wd=0.1))],
    "ftrl_update": [Case((U, U, away((-0.5, 0.5), -3.0, 3.0), POS),
                         call=_copying("ftrl_update", 2, lr=0.1, lamda1=0.01, wd=0.1))],
    "lamb_update_phase1": [Case((U, U, U, POS), call=_copying("lamb_update_phase1", 2, t=2, wd=0.1))],
    "mp_lamb_update_phase1": [Case((U, U, U, POS, U), call=_copying("mp_lamb_update_phase1", 3, t=2, wd=0.1),
                                   const=(0,))],
    "lamb_update_phase2": [Case((U, U, uniform(0.5, 1.5, (1,)), uniform(0.5, 1.5, (1,))), attrs=dict(lr=0.1))],
    "mp_lamb_update_phase2": [Case((U, U, uniform(0.5, 1.5, (1,)), uniform(0.5, 1.5, (1,)), U),
                                   call=_copying("mp_lamb_update_phase2", 1, lr=0.1), const=(0,))],
}



def _scale(like):
    """AdamW's ``rescale_grad`` array, a constant: MXNet reads it as a C float, so its float32
    rounding would swamp a float64 finite difference."""
    return nd.array([0.75], dtype=like.dtype)


def _fused(name, n_states, pick=1, count="num_weights", scale=False, **attrs):
    """Call the fused update ``nd.op.<name>`` on two weights' groups (weight, gradient and
    copies of ``n_states`` states), the trailing arrays and (``scale``) AdamW's rescale_grad;
    return the ``pick``-th new weight."""
    stride = 2 + n_states

    def call(*xs):
        groups = [x.copy() if i % stride >= 2 else x for i, x in enumerate(xs[:2 * stride])]
        tail = list(xs[2 * stride:]) + ([_scale(xs[0])] if scale else [])
        return getattr(nd.op, name)(*groups, *tail, **{count: 2}, **attrs)[pick]
    return call


_LR2 = dict(lrs=(0.1, 0.05), wds=(0.01, 0.2))
_PRE = (uniform(0.05, 0.2, (2,)), uniform(0.0, 0.2, (2,)))
_LAMB = dict(learning_rates=(0.1, 0.05), wds=(0.01, 0.2), step_count=(2, 3))

CASES.update({
    "multi_sgd_update": [Case((U,) * 4, call=_fused("multi_sgd_update", 0, rescale_grad=0.5, **_LR2))],
    "multi_sgd_mom_update": [Case((U,) * 6, call=_fused("multi_sgd_mom_update", 1, momentum=0.9, **_LR2))],
    "multi_mp_sgd_update": [Case((U,) * 6, call=_fused("multi_mp_sgd_update", 1, **_LR2), const=(2, 5))],
    "multi_mp_sgd_mom_update": [Case((U,) * 8, call=_fused("multi_mp_sgd_mom_update", 2, momentum=0.9, **_LR2),
                                     const=(3, 7))],
    "preloaded_multi_sgd_update": [Case((U,) * 4 + _PRE, call=_fused("preloaded_multi_sgd_update", 0))],
    "preloaded_multi_sgd_mom_update": [Case((U,) * 6 + _PRE, call=_fused("preloaded_multi_sgd_mom_update", 1,
                                                                            momentum=0.9))],
    "preloaded_multi_mp_sgd_update": [Case((U,) * 6 + _PRE, call=_fused("preloaded_multi_mp_sgd_update", 1),
                                           const=(2, 5))],
    "preloaded_multi_mp_sgd_mom_update": [Case((U,) * 8 + _PRE, call=_fused("preloaded_multi_mp_sgd_mom_update", 2,
                                                                               momentum=0.9), const=(3, 7))],
    "multi_lars": [Case((POS, POS, POS, uniform(0.0, 0.1)), attrs=dict(eta=0.01, eps=1e-3, rescale_grad=0.5))],
    "_adamw_update": [Case((U, U, U, POS),
                           call=lambda w, g, m, v: nd.op._adamw_update(w, g, m.copy(), v.copy(), _scale(w), lr=0.1,
                                                                       eta=0.5, wd=0.1))],
    "_mp_adamw_update": [Case((U, U, U, POS, U),
                              call=lambda w, g, m, v, w32: nd.op._mp_adamw_update(
                                  w, g, m.copy(), v.copy(), w32.copy(), _scale(w), lr=0.1, eta=0.5, wd=0.1),
                              const=(0,))],
    "_multi_adamw_update": [Case((U, U, U, POS) * 2,
                                 call=_fused("_multi_adamw_update", 2, scale=True, etas=(0.5, 1.0), **_LR2))],
    "_multi_mp_adamw_update": [Case((U, U, U, POS, U) * 2,
                                    call=_fused("_multi_mp_adamw_update", 3, scale=True, etas=(0.5, 1.0), **_LR2),
                                    const=(4, 9))],
    # LAMB holds its update direction and the norms in float32 (MXNet's temp_g) even for float64
    # weights: coarser differences and tolerances
    "_multi_lamb_update": [Case((U, U, U, POS) * 2, call=_fused("_multi_lamb_update", 2, count="num_tensors",
                                                                 **_LAMB), eps=1e-3, rtol=1e-3, atol=1e-4)],
    "_multi_mp_lamb_update": [Case((U, U, U, POS, U) * 2, call=_fused("_multi_mp_lamb_update", 3,
                                                                       count="num_tensors", **_LAMB),
                                   const=(4, 9), eps=1e-3, rtol=1e-3, atol=1e-4)],
    "_contrib_group_adagrad_update": [Case(
        (U, U, uniform(0.5, 1.0, (2, 1))),
        call=lambda w, g, h: nd.op._contrib_group_adagrad_update(w, g, h.copy(), lr=0.1))],
})
