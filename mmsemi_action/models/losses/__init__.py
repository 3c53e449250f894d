from .consistency_losses import MaskedCrossEntropyLoss, SoftmaxMSELoss

__all__ = ['MaskedCrossEntropyLoss', 'SoftmaxMSELoss']
