"""The engine's thresholds and the rules that read them, each with the reason for it.

Every choice between running cold (op by op), on the host, or compiled is made here, so
that a reader can see the whole compile policy in one place.  The modules that apply it
read these names at call time (``policy.FUSE_SIGHTINGS``), so a test or a benchmark may
change one for a while.  Figures are from the 2-core CPU the engine was tuned on.
"""

#: structures, fused pairs, packed scalars and create_graph gradients remembered (each an
#: LRU or a cleared dict): a program cycling through more structures than this recompiles
PLAN_CACHE_SIZE = 2048

#: deferred values (gradients, optimizer updates) pending beyond this count are computed,
#: so a loop that never reads a value cannot grow the deferred work without limit
MAX_DEFERRED = 256

#: a chain of pending operations deeper than this is computed right away (cold), so a loop
#: that never reads a value (``y[i] += 1``) keeps a bounded trace
MAX_PENDING_DEPTH = 512

#: two op instances are fused for the cold tier once seen together this many times:
#: compiling a pair costs ~45 ms here, about what 1000 to 2000 cold runs of it cost
FUSE_SIGHTINGS = 1000

#: seconds one XLA compile of a whole trace costs per node, before any compile was
#: measured (``PlanCache.learn_compile`` moves the estimate towards what compiles take)
PRIOR_COMPILE_PER_NODE = 0.005

#: host seconds a new op instance may spend evaluating on the host (exact NumPy rules,
#: ``host_eval``) before its per-op jit is compiled: what one small compile costs (XLA's
#: compile of a broadcast measured 24 ms on the 2-core CI machine, lowering another 15 ms)
HOST_COMPILE_SECONDS = 0.03

#: a loop's structure whose one timed cold run took less than this is run cold once more
#: before it is compiled (``compile_structure``): at most this much is lost, once
SMALL_COLD_SECONDS = 1e-3

#: calls of a newly compiled forward structure timed against its fastest cold run; the
#: faster way is kept (``hot_tier.Compiled``)
TIMED_CALLS = 3


def compile_structure(repeated, cold_runs, fastest_cold, n_nodes, compile_per_node, forward=False):
    """Whether a whole-trace structure seen before is compiled now.

    In a loop (``repeated``: the previous sync point of its kind had the same structure)
    it is, at its second sighting.  Otherwise (data-dependent control flow cycling through
    structures, a test looping over settings) it is compiled once running it cold has cost
    what compiling it is expected to cost: ski rental, so such a program never spends more
    than about twice what the better choice would have.  A cold run's cost is the fastest
    of at least two timed runs (the first includes compiling its ops' own kernels).  A
    ``forward`` structure's compiled calls are weighed against that cost (``hot_tier.Compiled``
    keeps the faster), so in a loop too it waits for a second timed run when its first was
    short (under ``SMALL_COLD_SECONDS``)."""
    if repeated:
        return not forward or cold_runs >= 2 or fastest_cold >= SMALL_COLD_SECONDS
    return cold_runs >= 2 and cold_runs * fastest_cold >= n_nodes * compile_per_node


def deferral_gains_nothing(ran_alone, deferrals):
    """Whether a backward structure stops being deferred: its deferred nodes were mostly
    computed on their own (a gradient read right after ``backward``, no optimizer step
    joining them), so deferring only adds bookkeeping.  Twice at least, so that an
    occasional read (a gradient printed every hundred steps) keeps a training loop deferred."""
    return ran_alone >= 2 and 2 * ran_alone > deferrals
