"""Gathering tensors across ranks with a correct gradient."""
import torch
import torch.distributed as dist
from mmengine.dist import get_rank, get_world_size, is_distributed
from torch import Tensor


class _AllGatherWithGrad(torch.autograd.Function):
    """``cat(all_gather(x))``; backward sums the gradient every rank sends
    to this rank's slice, so that the gradient of a loss computed on the
    gathered batch is that of the loss summed over ranks (DDP then averages
    it: the gradient of the whole-batch mean loss). mmpretrain's
    ``GatherLayer`` keeps only the local rank's gradient."""

    @staticmethod
    def forward(ctx, x: Tensor) -> Tensor:
        chunks = [torch.empty_like(x) for _ in range(get_world_size())]
        dist.all_gather(chunks, x.contiguous())
        ctx.batch = x.shape[0]
        return torch.cat(chunks)

    @staticmethod
    def backward(ctx, grad: Tensor) -> Tensor:
        grad = grad.contiguous()
        dist.all_reduce(grad)
        start = get_rank() * ctx.batch
        return grad[start:start + ctx.batch]


def all_gather_with_grad(x: Tensor) -> Tensor:
    """``(N, ...)`` per rank -> ``(world_size * N, ...)`` in rank order,
    differentiable; the input itself outside distributed runs. Every rank
    must pass the same ``N``."""
    if not is_distributed() or get_world_size() == 1:
        return x
    return _AllGatherWithGrad.apply(x)
