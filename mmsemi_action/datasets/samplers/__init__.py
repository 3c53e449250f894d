from .semi_sampler import SemiSupervisedSampler, fill_sampler_batch_size

__all__ = ['SemiSupervisedSampler', 'fill_sampler_batch_size']
