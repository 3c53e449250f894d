"""Learning rate reduced when the training loss stops decreasing."""
from mmaction.registry import PARAM_SCHEDULERS
from mmengine.optim.scheduler import ReduceOnPlateauLR


@PARAM_SCHEDULERS.register_module()
class TrainLossPlateauLR(ReduceOnPlateauLR):
    """MMEngine's ``ReduceOnPlateauLR`` on the *training* loss (TimeBalance,
    supp. B.2: "learning rate halved on loss plateau").

    MMEngine's version is stepped with validation metrics after each
    validation; this one is stepped once per epoch by
    :class:`TrainLossPlateauHook` with the epoch's mean training loss
    (``monitor='loss'``, averaged over ranks), so it works with no
    validation at all and in iteration-based loops, where an epoch is
    ``SemiIterBasedTrainLoop.iters_per_epoch`` iterations. ``patience``,
    ``cooldown``, ``begin`` and ``end`` count those epochs.
    ``SemiIterBasedTrainLoop`` registers the hook when a config has this
    scheduler and not the hook.

    Args: as ``ReduceOnPlateauLR`` (``monitor`` defaults to ``'loss'``,
        ``factor`` to 0.5).
    """

    #: stepped by TrainLossPlateauHook, never with validation metrics
    need_val_args = False

    def __init__(self, optimizer, monitor: str = 'loss', factor: float = 0.5,
                 **kwargs) -> None:
        super().__init__(optimizer, monitor=monitor, factor=factor, **kwargs)
