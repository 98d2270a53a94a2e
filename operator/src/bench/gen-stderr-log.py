#!/usr/bin/env python3
"""gen-stderr-log.py SIZE_MB - a synthetic PostgreSQL 15 stderr log of about SIZE_MB on stdout.

Used by bench-logs.sh where no PostgreSQL 15 is installed to write a real corpus. It mimics what
log_min_duration_statement = 0 writes for a web application: simple-protocol statements with
literals, extended protocol (parse/bind/execute with DETAIL: parameters), multi-line statements
(tab-indented continuation lines), errors with their STATEMENT, connections and disconnections,
checkpoints, autovacuum, temp files and lock waits. The prefix is pgBadger's
'%t [%p]: user=%u,db=%d,app=%a,client=%h '. Seeded: the same size gives the same file.
"""
import random
import sys
from datetime import datetime, timedelta

TABLES = ["orders", "order_items", "customers", "products", "payments", "shipments", "carts",
          "reviews", "inventory", "coupons", "addresses", "invoices"]
COLS = ["id", "customer_id", "product_id", "status", "created_at", "amount", "sku", "email",
        "country", "updated_at"]
APPS = [("shop-web", "shop_web", "shop"), ("shop-api", "shop_web", "shop"),
        ("shop-report", "shop_report", "shop"), ("pgbench", "bench", "bench")]


def literal(rng, col):
    if col in ("status", "country", "sku", "email"):
        return "'%s%d'" % (col[:3], rng.randrange(1000))
    if col in ("created_at", "updated_at"):
        return "'2025-%02d-%02d'" % (rng.randrange(1, 13), rng.randrange(1, 28))
    if col == "amount":
        return "%d.%02d" % (rng.randrange(500), rng.randrange(100))
    return str(rng.randrange(1, 10**6))


def shapes(rng):
    """About 300 query shapes, each a function of rng returning (sql, params or None)."""
    out = []
    for t in TABLES:
        for c in COLS:
            out.append(lambda r, t=t, c=c: (
                "SELECT * FROM %s WHERE %s = %s" % (t, c, literal(r, c)), None))
            out.append(lambda r, t=t, c=c: (
                "SELECT id, %s FROM %s WHERE %s = $1 LIMIT 20" % (c, t, c), [literal(r, c)]))
        out.append(lambda r, t=t: ("UPDATE %s SET updated_at = now(), status = '%s' WHERE id = %d"
                                   % (t, r.choice(["new", "paid", "sent"]), r.randrange(10**6)),
                                   None))
        out.append(lambda r, t=t: (
            "INSERT INTO %s (customer_id, amount, status) VALUES (%d, %s, 'new')"
            % (t, r.randrange(10**5), literal(r, "amount")), None))
        out.append(lambda r, t=t: (
            "SELECT c.id, count(*)\n\t  FROM %s t\n\t  JOIN customers c ON c.id ="
            " t.customer_id\n\t WHERE t.created_at > %s\n\t GROUP BY c.id\n\t ORDER"
            " BY 2 DESC\n\t LIMIT 10" % (t, literal(r, "created_at")), None))
        out.append(lambda r, t=t: ("SELECT * FROM %s WHERE id IN (%s)"
                                   % (t, ", ".join(str(r.randrange(10**6))
                                                   for _ in range(r.randrange(1, 30)))), None))
    return out


def main():
    target = int(sys.argv[1]) * 1_000_000
    rng = random.Random(42)
    qs = shapes(rng)
    weights = [rng.paretovariate(1.2) for _ in qs]
    t = datetime(2025, 3, 1, 0, 0, 0)
    written = 0
    sessions = {}
    w = sys.stdout.write
    while written < target:
        t += timedelta(microseconds=rng.randrange(200, 3000))
        ts = t.strftime("%Y-%m-%d %H:%M:%S UTC")
        app, user, db = rng.choice(APPS)
        pid = rng.randrange(2000, 2060)
        pre = "%s [%d]: user=%s,db=%s,app=%s,client=10.0.0.%d " % (
            ts, pid, user, db, app, pid % 250)
        lines = []
        roll = rng.random()
        if pid not in sessions:
            sessions[pid] = t
            lines.append(pre + "LOG:  connection authorized: user=%s database=%s"
                         " application_name=%s" % (user, db, app))
        if roll < 0.002:
            lines.append(pre + "ERROR:  duplicate key value violates unique constraint"
                         " \"orders_pkey\"")
            lines.append(pre + "DETAIL:  Key (id)=(%d) already exists." % rng.randrange(10**6))
            lines.append(pre + "STATEMENT:  INSERT INTO orders (id) VALUES (%d)"
                         % rng.randrange(10**6))
        elif roll < 0.003:
            bg = "%s [%d]: user=,db=,app=,client= " % (ts, 99)
            lines.append(bg + "LOG:  checkpoint starting: time")
            lines.append(bg + "LOG:  checkpoint complete: wrote %d buffers (0.1%%); 0 WAL file(s)"
                         " added, 0 removed, 1 recycled; write=%.3f s, sync=0.002 s, total=%.3f s;"
                         " sync files=12, longest=0.001 s, average=0.001 s; distance=1024 kB,"
                         " estimate=2048 kB"
                         % (rng.randrange(1000), rng.random() * 3, rng.random() * 3))
        elif roll < 0.004:
            lines.append("%s [%d]: user=,db=,app=,client= LOG:  automatic vacuum of table"
                         " \"shop.public.orders\": index scans: 1" % (ts, 98))
            lines.append("\tpages: 0 removed, 1234 remain, 100 scanned (8.10% of total)")
            lines.append("\tsystem usage: CPU: user: 0.01 s, system: 0.00 s, elapsed: 0.05 s")
        elif roll < 0.005:
            lines.append(pre + "LOG:  temporary file: path \"base/pgsql_tmp/pgsql_tmp%d.0\","
                         " size %d" % (pid, rng.randrange(10**5, 10**8)))
            lines.append(pre + "STATEMENT:  SELECT * FROM orders ORDER BY created_at")
        elif roll < 0.0055:
            lines.append(pre + "LOG:  process %d still waiting for ShareLock on transaction %d"
                         " after 100.123 ms" % (pid, rng.randrange(10**6)))
            lines.append(pre + "DETAIL:  Process holding the lock: 2001. Wait queue: %d." % pid)
            lines.append(pre + "STATEMENT:  UPDATE products SET stock = stock WHERE id = 1")
        elif roll < 0.007:
            lines.append(pre + "LOG:  disconnection: session time: 0:00:%06.3f user=%s database=%s"
                         " host=10.0.0.1 port=5000" % (rng.random() * 59, user, db))
            sessions.pop(pid, None)
        else:
            sql, params = rng.choices(qs, weights)[0](rng)
            ms = rng.lognormvariate(-1.5, 1.5)
            if params is None:
                lines.append(pre + "LOG:  duration: %.3f ms  statement: %s" % (ms, sql))
            else:
                detail = pre + "DETAIL:  parameters: " + ", ".join(
                    "$%d = %s" % (i + 1, p if p.startswith("'") else "'%s'" % p)
                    for i, p in enumerate(params))
                name = "<unnamed>" if app != "shop-api" else "P_%d" % (sum(map(ord, sql)) % 50)
                if name == "<unnamed>":
                    for phase in ("parse", "bind"):
                        lines.append(pre + "LOG:  duration: %.3f ms  %s %s: %s"
                                     % (ms / 10, phase, name, sql))
                    lines.append(detail)
                lines.append(pre + "LOG:  duration: %.3f ms  execute %s: %s" % (ms, name, sql))
                lines.append(detail)
        text = "\n".join(lines) + "\n"
        w(text)
        written += len(text)


if __name__ == "__main__":
    main()
