"""Sum a perf profile of kanava by pipeline phase (used by bench/profile.sh).

    perf record -e cpu-clock -F 200 --call-graph dwarf,16384 -o X.perf kanava build …
    perf script -i X.perf -F comm,tid,time,ip,sym > X.txt
    python3 bench/phases.py X.txt [SLICES [HZ]]     # SLICES > 0 adds a timeline

Each sample's stack is walked from the leaf; the first frame matching a rule below names
its phase (so a malloc inside template rendering counts as rendering). Shares are of
on-CPU samples over all threads; the timeline shows how many CPUs were busy per slice.
"""
import sys, re, collections
samples=[]; cur=None; hdr=None
for line in open(sys.argv[1], errors='replace'):
    line=line.rstrip('\n')
    if not line.strip():
        if cur is not None: samples.append((hdr,cur)); cur=None
        continue
    if not line.startswith((' ','\t')):
        hdr=line; cur=[]; continue
    parts=line.strip().split(None,1)
    cur.append(parts[1] if len(parts)>1 else '?')
if cur is not None: samples.append((hdr,cur))
rules=[
 ('remove old output (remove_dir_all)', r'remove_dir_all'),
 ('write files', r'kanava::write::|kanava::fs::write|kanava::fs::create|kanava::fs::copy'),
 ('highlight (syntect)', r'kanava::highlight::'),
 ('render: template eval (minijinja)', r'minijinja::vm|minijinja::template|minijinja::environment'),
 ('render: build context', r'kanava::render::context::|minijinja::value::serialize'),
 ('markdown parse (pulldown-cmark)', r'kanava::markdown::|pulldown_cmark'),
 ('check rules', r'kanava::check::'),
 ('plan::make', r'kanava::plan::'),
 ('post (sitemap, robots)', r'kanava::post::'),
 ('render: other', r'kanava::render::'),
 ('load (read files, front matter)', r'kanava::load::|kanava::model::frontmatter|serde_saphyr|granit'),
 ('model (other)', r'kanava::model::'),
]
comp=[(n,re.compile(p)) for n,p in rules]
def phase(st):
    for f in st:
        for n,p in comp:
            if p.search(f): return n
    if st and (st[0].startswith('0x') or re.search(r'ext4|do_syscall|entry_SYSCALL|page|_raw_spin',st[0])):
        return 'kernel, unattributed'
    return 'other (drop, alloc, rayon idle…)'
c=collections.Counter(); leaf=collections.defaultdict(collections.Counter)
times=[]
for hdr,st in samples:
    ph=phase(st); c[ph]+=1
    l=re.sub(r'\+0x[0-9a-f]+$','',st[0]) if st else '?'
    leaf[ph][l[:70]]+=1
    m=re.search(r'\s(\d+\.\d+):',hdr or '')
    if m: times.append((float(m.group(1)),ph))
N=len(samples)
print("%d samples (on-CPU, all threads)"%N)
for k,v in c.most_common():
    top=", ".join("%s %.0f%%"%(s,100*n/v) for s,n in leaf[k].most_common(2))
    print("%5.1f%%  %-36s  top leaves: %s"%(100*v/N,k,top))
if times and len(sys.argv)>2:
    t0=min(t for t,_ in times); t1=max(t for t,_ in times); B=int(sys.argv[2])
    w=(t1-t0)/B
    print("timeline: %.1f s in %d slices; per slice the busiest phases and CPUs busy (of 2)"%(t1-t0,B))
    hz=float(sys.argv[3]) if len(sys.argv)>3 else 200
    for b in range(B):
        s=[p for t,p in times if t0+b*w<=t<(t0+(b+1)*w if b<B-1 else t1+1)]
        cc=collections.Counter(s)
        print("  %5.1f–%5.1f s  cpus %.2f  %s"%(b*w,(b+1)*w,len(s)/hz/w, ", ".join("%s %.0f%%"%(k,100*v/len(s)) for k,v in cc.most_common(2)) if s else "-"))
