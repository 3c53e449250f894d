# Diving48 (V2) for FinePseudo: data/diving48/videos/; splits from the
# published lists (3 seeds; the leaf configs pick 5/10/20%):
#   python tools/data/make_semi_split.py data/diving48/Diving48_V2_train.json \
#       --format diving48 --video-ext .mp4 --percent 10 --seeds 0 1 2 \
#       --out-dir data/diving48/semi
#   python tools/data/make_semi_split.py data/diving48/Diving48_V2_test.json \
#       --format diving48 --video-ext .mp4 --convert-only \
#       --out-dir data/diving48/semi
_base_ = './finepseudo_fine-grained.py'
data_root = 'data/diving48'
split_dir = f'{data_root}/semi/10pct_seed0'
num_classes = 48
videos = f'{data_root}/videos'
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
        ann_file=f'{data_root}/semi/Diving48_V2_test.json',
        data_prefix=dict(video=videos),
        num_classes=num_classes))
test_dataloader = val_dataloader
