"""Run a loss on two gloo processes, each with its half of the batch."""
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
