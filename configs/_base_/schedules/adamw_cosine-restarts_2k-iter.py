# 2000 iterations of AdamW in three self-training stages: the labeled set
# (iterations 0-999), then two rounds of 500 iterations on the labeled and
# pseudo-labeled videos (rounds start at the milestones); a cosine cycle
# per stage (CPU-sized).
_base_ = './adamw_cosine_2k-iter.py'
milestones = [1000, 1500]
param_scheduler = [
    dict(type='LinearLR', start_factor=0.1, by_epoch=False, begin=0,
         end=50),
    dict(type='CosineRestartLR', by_epoch=False, begin=50, end=2000,
         periods=[950, 500, 500], restart_weights=[1, 1, 1], eta_min=0)
]
