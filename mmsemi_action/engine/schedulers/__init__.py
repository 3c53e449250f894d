from .train_loss_plateau_lr import TrainLossPlateauLR

__all__ = ['TrainLossPlateauLR']
