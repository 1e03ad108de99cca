# SPDX-License-Identifier: ISC
# One phase of tests/bench/bench-load.sh: drives the dashboard in tmux,
# starts the BMP routers, watches the collector, prints "key value" lines.
#
# usage: bench-load.py TMUX-SOCKET TMUX-CONF PID SENDER-CMD... --
#            [metrics-port|-] [idle-seconds] [key-log]
# PID is the collector (the dashboard itself with --standalone).
import atexit, os, random, re, subprocess, sys, time, urllib.request

argv = sys.argv[1:]
sock, conf, pid = argv[0], argv[1], int(argv[2])
end = argv.index('--')
sender = argv[3:end]
rest = argv[end + 1:]
port = rest[0] if rest and rest[0] != '-' else None
idle_s = float(rest[1]) if len(rest) > 1 else 0
keylog = rest[2] if len(rest) > 2 else None
MARK = {'1': 'Branch', '2': 'Router'}	# row 1 of Overview, Sessions
TIMEOUT = 10.0
HZ = os.sysconf('SC_CLK_TCK')


# One control-mode client (tmux -C) for every command: a capture costs
# tens of microseconds instead of a fork and exec of tmux.
ctl = subprocess.Popen(['tmux', '-L', sock, '-f', conf, '-C', 'attach',
                        '-t', 'pt'], stdin=subprocess.PIPE,
                       stdout=subprocess.PIPE,
                       env=dict(os.environ, LC_ALL='C.UTF-8'))


def tm(command):
    """A command's output lines (between %begin and %end)."""
    ctl.stdin.write(command.encode() + b'\n')
    ctl.stdin.flush()
    out, inside = [], False
    while True:
        line = ctl.stdout.readline()
        if not line:
            sys.exit('tmux control client gone')
        if line.startswith(b'%begin'):
            inside, out = True, []
        elif inside and (line.startswith(b'%end') or
                         line.startswith(b'%error')):
            return b''.join(out)
        elif inside:
            out.append(line)


tm('refresh-client -f no-output')
tm('refresh-client -C 200x60')


def row1():
    return tm('capture-pane -p -t pt -S 1 -E 1')


def key(k):
    """Press k, then poll the pane until its view shows: seconds."""
    want = MARK[k].encode()
    t0 = time.monotonic()
    tm('send-keys -t pt ' + k)
    while not row1().startswith(want):
        if time.monotonic() - t0 > TIMEOUT:
            return TIMEOUT
    return time.monotonic() - t0


def cpu():
    with open('/proc/%d/stat' % pid) as f:
        st = f.read().rsplit(')', 1)[1].split()
    return (int(st[11]) + int(st[12])) / HZ


def hwm(p):
    try:
        with open('/proc/%d/status' % p) as f:
            m = re.search(r'VmHWM:\s+(\d+) kB', f.read())
        return int(m.group(1)) * 1024 if m else 0
    except OSError:
        return 0


def metrics():
    if port is None:
        return {}
    try:
        body = urllib.request.urlopen('http://127.0.0.1:%s/metrics' % port,
                                      timeout=30).read().decode()
    except Exception:	# refused, cut short (IncompleteRead), timed out
        return {}
    out = {}
    for line in body.splitlines():
        for name in ('peertop_history_queue_rows', 'peertop_rib_routes'):
            if line.startswith(name):
                v = float(line.rsplit(' ', 1)[1])
                out[name] = out.get(name, 0) + v
    return out


def pct(v, p):
    v = sorted(v)
    if not v:
        return float('nan')
    return v[min(len(v) - 1, int(round(p / 100.0 * (len(v) - 1))))]


def presses(n, label, stop=None):
    """Alternate views n times (or until stop() is true)."""
    out = []
    mark = keylog_size()
    cur = '1' if row1().startswith(b'Router') else '2'
    i = 0
    while (stop is None and i < n) or (stop is not None and not stop()):
        cur = '2' if cur == '1' else '1'
        out.append(key(cur))
        time.sleep(random.uniform(0.05, 0.15))
        i += 1
    report(label, out)
    if keylog is not None:
        with open(keylog) as f:
            f.seek(mark)
            v = [float(x) / 1e3 for x in f.read().split()]
        report(label + '_frame', v)
    return out


def keylog_size():
    try:
        return os.path.getsize(keylog)
    except (OSError, TypeError):
        return 0


def report(label, v):
    print('keys_%s %d %.2f %.2f %.2f' % (label, len(v), pct(v, 50) * 1e3,
          pct(v, 99) * 1e3, max(v) * 1e3 if v else float('nan')))


# /metrics once a second in a process of its own (a scrape of a busy
# collector takes a while, and its parsing would hold this one's GIL
# while a key is timed): lines "time queue-rows routes seconds" in a file.
scrape_file = '%s.scrapes' % (keylog or '/tmp/bench-load')
open(scrape_file, 'w').close()
parent = os.getpid()
scrape_pid = os.fork() if port is not None else -1
if scrape_pid == 0:
    with open(scrape_file, 'a') as out:
        while os.getppid() == parent:
            t0 = time.monotonic()
            m = metrics()
            t1 = time.monotonic()
            if 'peertop_history_queue_rows' in m:
                out.write('%.4f %d %d %.4f\n' % (
                    t1, m['peertop_history_queue_rows'],
                    m.get('peertop_rib_routes', -1), t1 - t0))
                out.flush()
            time.sleep(max(0, 1.0 - (t1 - t0)))
    os._exit(0)


def scrapes_now():
    with open(scrape_file) as f:
        return [tuple(float(x) for x in line.split())
                for line in f if line.endswith('\n')]


t_start = None

# The dashboard is up when it draws a view.
deadline = time.monotonic() + 30
while not row1().startswith(b'Branch') and not row1().startswith(b'Router'):
    if time.monotonic() > deadline:
        sys.exit('the dashboard did not come up')
    time.sleep(0.1)
time.sleep(1)
# The collector's own steady state before any table (the prober, the
# history, the viewer's frames): "quiet" below is this plus 30% of a core.
base_t, base_c = time.monotonic(), cpu()
presses(int(os.environ.get('BENCH_LOAD_FLOOR_KEYS', '30')), 'floor')
time.sleep(max(0.0, 2 - (time.monotonic() - base_t)))
baseline = (cpu() - base_c) / max(time.monotonic() - base_t, 1e-3)
print('baseline %.3f' % baseline)

# The routers: their "drained" lines arrive on a pipe.
t_start = time.monotonic()
snd = subprocess.Popen(sender, stdout=subprocess.PIPE, text=True)
atexit.register(snd.terminate)		# whatever ends this
nrouters = int(os.environ['BENCH_LOAD_ROUTERS'])
drained = []
os.set_blocking(snd.stdout.fileno(), False)
buf = ''
in_at = None
last_cpu = (time.monotonic(), cpu())


def tables_in():
    """All drained, the RIB's count still and the collector quiet
    (within 30% of a core of its baseline)."""
    global buf, in_at, last_cpu
    if in_at is not None:
        return True
    try:
        chunk = snd.stdout.read()
    except (BlockingIOError, TypeError):
        chunk = None
    if chunk:
        buf += chunk
        while '\n' in buf:
            line, buf = buf.split('\n', 1)
            if line.startswith('drained '):
                drained.append(time.monotonic() - t_start)
            elif line.startswith('table '):
                print(line)
    if snd.poll() is not None:
        sys.exit('the routers exited (%d)' % snd.returncode)
    now, c = time.monotonic(), cpu()
    if now - last_cpu[0] < 0.2:
        return False
    busy = (c - last_cpu[1]) / max(now - last_cpu[0], 1e-3)
    last_cpu = (now, c)
    # The RIB's count the same in the last two scrapes after the drain.
    late = [r for t, q, r, d in scrapes_now()
            if drained and len(drained) == nrouters and
            t > t_start + max(drained)]
    still = port is None or (len(late) >= 2 and late[-1] == late[-2])
    if len(drained) == nrouters and busy < baseline + 0.3 and still:
        in_at = now - t_start
        return True
    if now - t_start > 300:
        sys.exit('the tables did not go in within 300 s')
    return False


during = presses(0, 'during', tables_in)
while not tables_in():
    time.sleep(0.1)
print('drained %.3f' % max(drained))
print('in %.3f' % in_at)
if port is not None:
    print('routes %d' % (metrics().get('peertop_rib_routes') or 0))
    scrapes = scrapes_now()
    d = [x[3] for x in scrapes if x[0] < t_start + in_at and x[0] > t_start]
    print('scrape %d %.1f %.1f' % (len(d), pct(d, 50) * 1e3,
          max(d or [float('nan')]) * 1e3))
presses(int(os.environ.get('BENCH_LOAD_AFTER_KEYS', '60')), 'after')
print('rss %d' % hwm(pid))
if scrape_pid > 0:
    os.kill(scrape_pid, 15)
    os.waitpid(scrape_pid, 0)
queue = [(t, q) for t, q, r, d in scrapes_now()]
if queue:
    t_in = t_start + in_at
    q_during = [q for t, q in queue if t_start <= t < t_in]
    q_after = [q for t, q in queue if t >= t_in]
    half = len(q_after) // 2
    print('queue %d %d %d %d' % (max(q_during or [0]), len(q_after),
          max(q_after[:half] or [0]), max(q_after[half:] or [0])))
if idle_s > 0:
    time.sleep(3)
    c0, t0 = cpu(), time.monotonic()
    time.sleep(idle_s)
    print('idle %.4f' % ((cpu() - c0) / (time.monotonic() - t0) * 100))
snd.terminate()
snd.wait()
