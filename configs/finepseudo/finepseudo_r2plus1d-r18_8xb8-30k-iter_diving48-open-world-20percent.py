# Open world on Diving48 with 20% labels of the 40 known classes (see the
# 10% config; make the split with --percent 20).
_base_ = ('./finepseudo_r2plus1d-r18_8xb8-30k-iter_diving48-open-world-'
          '10percent.py')
split_dir = 'data/diving48/semi/20pct_open-world_seed0'
train_dataloader = dict(
    dataset=dict(
        labeled=dict(ann_file=f'{split_dir}/labeled.txt'),
        unlabeled=dict(ann_file=f'{split_dir}/unlabeled.txt')))
val_dataloader = dict(
    dataset=dict(ann_file=f'{split_dir}/Diving48_V2_test.json'))
test_dataloader = val_dataloader
