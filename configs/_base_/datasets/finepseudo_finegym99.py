# FineGym99 (v1.1 element lists; element videos cut by MMAction2's
# tools/data/gym) for FinePseudo: data/gym/subactions/; splits from the
# published lists (3 seeds; the leaf configs pick 5/10/20%):
#   python tools/data/make_semi_split.py \
#       data/gym/annotations/gym99_train_element_v1.1.txt \
#       --video-ext .mp4 --percent 10 --seeds 0 1 2 \
#       --out-dir data/gym/semi99
#   python tools/data/make_semi_split.py \
#       data/gym/annotations/gym99_val_element.txt \
#       --video-ext .mp4 --convert-only --out-dir data/gym/semi99
_base_ = './finepseudo_fine-grained.py'
data_root = 'data/gym'
split_dir = f'{data_root}/semi99/10pct_seed0'
num_classes = 99
videos = f'{data_root}/subactions'
train_dataloader = dict(
    dataset=dict(
        labeled=dict(
            ann_file=f'{split_dir}/labeled.txt',
            data_prefix=dict(video=videos),
            num_classes=num_classes),
        unlabeled=dict(
            ann_file=f'{split_dir}/unlabeled.txt',
            data_prefix=dict(video=videos),
            num_classes=num_classes)))
val_dataloader = dict(
    dataset=dict(
        ann_file=f'{data_root}/semi99/gym99_val_element.txt',
        data_prefix=dict(video=videos),
        num_classes=num_classes))
test_dataloader = val_dataloader
