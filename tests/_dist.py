"""Run a loss, or a model's training losses, on two gloo processes, each
with its half of the batch."""
import os
import tempfile

import torch
import torch.distributed as dist
import torch.multiprocessing as mp


def _worker(rank, world_size, init_file, cfg, inputs, out):
    import mmsemi_action  # noqa: F401
    from mmaction.registry import MODELS
    dist.init_process_group('gloo', init_method=f'file://{init_file}',
                            rank=rank, world_size=world_size)
    local = []
    for x in inputs:
        n = x.shape[0] // world_size
        local.append(x[rank * n:(rank + 1) * n].clone().requires_grad_(True))
    value = MODELS.build(cfg)(*local)
    value.backward()
    torch.save(dict(loss=value.detach(), grads=[x.grad for x in local]),
               f'{out}.{rank}')
    dist.destroy_process_group()


def run_two_processes(cfg: dict, *inputs) -> list:
    """``[{'loss', 'grads'}]`` of ranks 0 and 1, each given the ``rank``-th
    half (dim 0) of every input."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'result')
        mp.spawn(_worker, args=(2, os.path.join(tmp, 'init'), cfg, inputs,
                                out), nprocs=2, join=True)
        return [torch.load(f'{out}.{r}') for r in range(2)]


def _model_worker(rank, world_size, init_file, cfg, inputs, out):
    import mmsemi_action  # noqa: F401
    from mmaction.registry import MODELS
    from mmengine.registry import init_default_scope
    init_default_scope('mmaction')
    dist.init_process_group('gloo', init_method=f'file://{init_file}',
                            rank=rank, world_size=world_size)
    torch.manual_seed(0)  # the same initial weights on every rank
    model = MODELS.build(cfg)
    model.eval()  # BatchNorm statistics are per rank (no SyncBN): fixed
    n = next(iter(inputs.values())).shape[0] // world_size
    local = {k: v[rank * n:(rank + 1) * n] for k, v in inputs.items()}
    losses = model.loss(local)
    sum(losses.values()).backward()
    grads = {}
    for name, p in model.named_parameters():  # what DDP does: the mean
        if p.grad is not None:
            dist.all_reduce(p.grad)
            grads[name] = p.grad / world_size
    torch.save(dict(losses={k: v.detach() for k, v in losses.items()},
                    grads=grads), f'{out}.{rank}')
    dist.destroy_process_group()


def run_model_two_processes(cfg: dict, inputs: dict) -> list:
    """``[{'losses', 'grads'}]`` of ranks 0 and 1 for ``model.loss`` of the
    model built from ``cfg`` (seed 0, eval mode) on the ``rank``-th half of
    every input; ``grads`` are the parameter gradients averaged across the
    ranks, as DDP averages them."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'result')
        mp.spawn(_model_worker, args=(2, os.path.join(tmp, 'init'), cfg,
                                      inputs, out), nprocs=2, join=True)
        return [torch.load(f'{out}.{r}') for r in range(2)]
