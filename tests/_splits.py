"""The split folder each paper config must read (shared by the dataset
and TimeBalance config tests)."""
import os.path as osp
import re


def expected_split(path):
    """The split folder a paper config must read: VideoSSL's published
    lists for HMDB51 (LTG, ACL+MTL, TimeBalance) and for LTG's and
    TimeBalance's UCF101 percentages; exactly k labeled videos per class
    where the paper samples k per class (UCF101 "1% / 10%" of CMPL and
    ACL+MTL, and the baselines next to them; TimeBalance's 1%)."""
    name = osp.basename(path)
    pct = int(re.search(r'(\d+)percent', name).group(1))
    if 'hmdb51' in name or 'ltg' in name or (
            name.startswith('timebalance') and pct != 1):
        return f'/semi/videossl_{pct}pct/'
    return f'/semi/{pct}pc_seed0/'
