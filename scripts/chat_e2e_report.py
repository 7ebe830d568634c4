#!/usr/bin/env python3
"""Reads what scripts/chat-e2e.sh's fake receivers logged and prints, per chat format: requests,
answers by status (429 = a rate limit broken), the most requests in any 1, 2 and 60 s, events
carried, events per message and, for Discord, the lag from event to message (p50, p99)."""
import sys
DIR = sys.argv[1] if len(sys.argv) > 1 else "/tmp/squawk-chat-e2e"
import json, sys, datetime
def load(p):
    out=[]
    for line in open(p):
        line=line.strip()
        if line: out.append(json.loads(line))
    return out
def ts(s): return datetime.datetime.fromisoformat(s.replace('Z','+00:00')).timestamp()
def windows(times, w):
    times=sorted(times); best=0; j=0
    for i,t in enumerate(times):
        while times[j] <= t - w: j+=1
        best=max(best, i-j+1)
    return best
for name in ['discord','slack']:
    rs=load(f'{DIR}/{name}.jsonl')
    times=[ts(r['receivedAt']) for r in rs]
    st={}
    for r in rs: st[r['status']]=st.get(r['status'],0)+1
    items=[]; lags=[]
    for r in rs:
        if r['status']!=204: continue
        b=json.loads(r['body'])
        if name=='discord':
            es=b.get('embeds',[])
            items.append(len(es))
            for e in es:
                if 'summary' in e.get('footer',{}).get('text',''): continue
                lags.append(ts(r['receivedAt'])-ts(e['timestamp']))
        else:
            items.append(sum(1 for x in b['blocks'] if x['type']=='context'))
    lags.sort()
    q=lambda p: lags[min(len(lags)-1,int(p*len(lags)))] if lags else float('nan')
    print(f"{name}: requests {len(rs)}, statuses {st}, max in 2 s {windows(times,2)}, in 60 s {windows(times,60)}, in 1 s {windows(times,1)}, events in messages {sum(items)}, per message mean {sum(items)/max(1,len(items)):.1f} max {max(items or [0])}" + (f", lag p50 {q(.5):.1f} s p99 {q(.99):.1f} s" if lags else ""))
js=load(f'{DIR}/json.jsonl')
print(f"json: {len(js)} events delivered")
# Live cards: posts and edits, flights with a card, and the flight events the json subscription
# got (each of them is on a card, or expired as too old).
try:
    cs=load(f'{DIR}/card.jsonl')
except FileNotFoundError:
    cs=[]
if cs:
    times=[ts(r['receivedAt']) for r in cs]
    st={}
    for r in cs: st[r['status']]=st.get(r['status'],0)+1
    posts=[r for r in cs if r.get('method')=='POST' and r['status']==200]
    edits=[r for r in cs if r.get('method')=='PATCH' and r['status']==200]
    flight_events=sum(1 for r in js if json.loads(r['body']).get('data',{}).get('flightId'))
    print(f"card: requests {len(cs)}, statuses {st}, cards posted {len(posts)}, edits {len(edits)}, max in 2 s {windows(times,2)}, in 60 s {windows(times,60)}, flight events (json) {flight_events}, events per request {flight_events/max(1,len(posts)+len(edits)):.1f}")
