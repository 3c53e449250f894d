from .semi_optim_wrapper_constructor import SemiOptimWrapperConstructor

__all__ = ['SemiOptimWrapperConstructor']
