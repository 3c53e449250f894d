# TimeBalance stage 1 on Kinetics-400 (the UCF101 settings; MMAction2
# layout: data/kinetics400/videos_train, kinetics400_train_list_videos.txt).
_base_ = './timebalance-ssl_ucf101.py'
data_root = 'data/kinetics400'
train_list = f'{data_root}/kinetics400_train_list_videos.txt'
source = dict(ann_file=train_list,
              data_prefix=dict(video=f'{data_root}/videos_train'),
              num_classes=400)
train_dataloader = dict(dataset=source)
