# TimeBalance stage 1 on HMDB51 split 1 (the UCF101 settings; MMAction2
# layout: data/hmdb51/videos, hmdb51_train_split_1_videos.txt).
_base_ = './timebalance-ssl_ucf101.py'
data_root = 'data/hmdb51'
train_list = f'{data_root}/hmdb51_train_split_1_videos.txt'
source = dict(ann_file=train_list,
              data_prefix=dict(video=f'{data_root}/videos'),
              num_classes=51)
train_dataloader = dict(dataset=source)
