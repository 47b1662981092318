#!/usr/bin/env bash
# `make walkthrough`: a fresh SQLite ledger (ledgers/walkthrough.db) with a town's pledges taken
# through every state by hand, then the listing and one pledge's whole history.  Every line
# below is the real `pledges` command.
set -euo pipefail
mkdir -p ledgers
rm -f ledgers/walkthrough.db ledgers/walkthrough.db-wal ledgers/walkthrough.db-shm
export PLEDGES_DB=ledgers/walkthrough.db PLEDGES_USER=王书记
year=$(TZ=Asia/Shanghai date +%Y)
yesterday=$(TZ=Asia/Shanghai date -d yesterday +%F)
[[ $yesterday == "$year"-* ]] || yesterday="$year-01-01"

step() { printf '\n\033[1m$ pledges %s\033[0m\n' "$*"; pledges "$@"; }
quiet() { pledges "$@" >/dev/null; }

pledges init
quiet org add WL 温岭市委 --kind committee
quiet org add DX 大溪镇党委 --parent WL --kind committee
quiet org add DX-V1 大溪村党支部 --parent DX --kind village
quiet org add DX-E1 大溪泵业党支部 --parent DX --kind enterprise
quiet org add DX-S1 大溪镇商会党支部 --parent DX --kind social
quiet member add M0001 张三 --org DX-V1
quiet member add M0002 李四 --org DX-E1
step org tree

# One member pledge through its whole life: draft → … → evaluated.
id=$(pledges add --org DX-V1 --member M0001 --title 走访困难群众 --target 12 --unit 户 --due "$year-12-20" --category 为民服务 2>/dev/null)
step submit "$id"
step --as 陈委员 approve "$id"
step display "$id" --channel household --place 张三家门口
step progress "$id" --amount 5 --note 走访5户 --evidence IMG_0412
step progress "$id" --amount 7 --note 走访7户
step complete "$id"
step --as 陈委员 evaluate "$id" --grade excellent --comment 群众反映好

# The rest of the town: returned and corrected, withdrawn, late, extended, amended, failed.
a=$(pledges add --org DX-V1 --title 村道路灯维修 --target 30 --unit 盏 --due "$year-12-15" 2>/dev/null)
quiet submit "$a"; quiet return "$a" --reason 请写明路段; quiet edit "$a" --title 村东路段路灯维修
quiet submit "$a"; quiet approve "$a"
b=$(pledges add --org DX-E1 --member M0002 --title 带头垃圾分类 --qualitative --criterion 全年无违规 --due "$year-12-31" 2>/dev/null)
quiet submit "$b"; quiet approve "$b"
c=$(pledges add --org DX-E1 --title 职工技能培训 --target 200 --unit 人次 --due "$yesterday" 2>/dev/null)
quiet submit "$c"; quiet approve "$c"
d=$(pledges add --org DX-S1 --title 助企纾困座谈 --target 4 --unit 次 --due "$year-12-31" 2>/dev/null)
quiet submit "$d"; quiet withdraw "$d" --reason 与镇党委承诺重复
step display --org DX --all-approved --channel board --place 镇便民服务中心公示栏
quiet progress "$b" --note 参加小区垃圾分类督导
quiet progress "$c" --amount 120 --note 两期培训
quiet extend "$a" --due "$year-12-31" --reason 等待路灯配件
quiet amend "$a" --target 40 --unit 盏 --reason 增加村西路段
e=$(pledges add --org DX-S1 --title 新会员入会 --target 10 --unit 家 --due "$year-12-31" 2>/dev/null)
quiet submit "$e"; quiet approve "$e"; quiet display "$e" --channel website
quiet fail "$e" --reason 经济下行，入会意愿低; quiet evaluate "$e" --grade pass

step list --org DX
step show "$id"
