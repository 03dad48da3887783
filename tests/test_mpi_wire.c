/* test_mpi_wire.c - the MPI model's records on the wire and rank 0's
 * bookkeeping of each producer, without MPI: decode with clock offsets,
 * partial records, final messages, the status at close (lost records are
 * never hidden) and the arrival forecast that paces rank 0's polling. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "wire_mpi.h"

static alog_record rec(uint64_t seq, int64_t sched, int64_t prod)
{
    alog_record r;
    memset(&r, 0, sizeof r);
    r.seq = seq;
    r.sched_ns = sched;
    r.produce_ns = prod;
    return r;
}

static void test_rec_bytes(void **state)
{
    (void)state;
    alog_config cfg;
    memset(&cfg, 0, sizeof cfg);
    assert_int_equal(alog_mpi_rec_bytes(&cfg), 24);
    cfg.payload = 10; /* below the fixed part: the fixed part */
    assert_int_equal(alog_mpi_rec_bytes(&cfg), 24);
    cfg.payload = 64;
    assert_int_equal(alog_mpi_rec_bytes(&cfg), 64);
}

/* Three records of 32 bytes, shifted by the producer's clock offset. */
static void test_data_round_trip(void **state)
{
    (void)state;
    unsigned char buf[3 * 32];
    memset(buf, 0, sizeof buf);
    for (unsigned i = 0; i < 3; i++) {
        alog_record r = rec(7 + i, 1000000000 + i, 2000000000 + 10 * i);
        alog_mpi_rec_put(buf + 32 * i, &r);
    }
    alog_mpi_source s = {.offset_ns = 500, .fail_after = -1};
    alog_reclist *l = alog_reclist_new();
    assert_non_null(l);
    alog_store st = {.list = l};
    assert_int_equal(alog_mpi_source_data(&s, &st, 4, buf, sizeof buf, 32, 99),
                     3);
    assert_int_equal(s.received, 3);
    assert_int_equal(s.malformed, 0);
    assert_int_equal(alog_reclist_len(l), 3);
    for (unsigned i = 0; i < 3; i++) {
        const alog_record *r = alog_reclist_at(l, i);
        assert_int_equal(r->seq, 7 + i);
        assert_int_equal(r->sched_ns, 1000000000 + i - 500);
        assert_int_equal(r->produce_ns, 2000000000 + 10 * i - 500);
        assert_int_equal(r->collect_ns, 99);
        assert_int_equal(r->clock_ms, (2000000000 + 10 * i - 500) / 1000000);
        assert_int_equal(r->producer, 4);
        assert_int_equal(r->bytes, 32);
    }
    alog_reclist_free(l);
}

/* A message that is not a whole number of records: the whole ones are
 * kept, the rest counts as malformed. */
static void test_data_partial(void **state)
{
    (void)state;
    unsigned char buf[24 + 10];
    alog_record r = rec(0, 1, 2);
    memset(buf, 0, sizeof buf);
    alog_mpi_rec_put(buf, &r);
    alog_mpi_source s = {.fail_after = -1};
    alog_reclist *l = alog_reclist_new();
    alog_store st = {.list = l};
    assert_int_equal(alog_mpi_source_data(&s, &st, 0, buf, sizeof buf, 24, 5), 1);
    assert_int_equal(s.malformed, 1);
    assert_int_equal(alog_reclist_len(l), 1);
    alog_reclist_free(l);
}

/* --collect-work: each record costs its work where it is stored, and is
 * stamped stored after it. */
static void test_data_collect_work(void **state)
{
    (void)state;
    unsigned char buf[2 * 24];
    for (unsigned i = 0; i < 2; i++) {
        alog_record r = rec(i, 10, 20);
        alog_mpi_rec_put(buf + 24 * i, &r);
    }
    alog_mpi_source s = {.fail_after = -1};
    alog_reclist *l = alog_reclist_new();
    alog_store st = {.list = l, .work = 1000};
    int64_t before = alog_now_ns();
    assert_int_equal(alog_mpi_source_data(&s, &st, 0, buf, sizeof buf, 24, 1),
                     2);
    assert_int_equal(st.sink, 2 * alog_work(1000));
    for (unsigned i = 0; i < 2; i++)
        assert_true(alog_reclist_at(l, i)->collect_ns >= before);
    alog_reclist_free(l);
}

static void test_final_and_status(void **state)
{
    (void)state;
    alog_mpi_final fin = {.sent = 3, .cpu_ns = 1234,
                          .end = ALOG_MPI_END_DONE};
    alog_mpi_source s = {.received = 3, .fail_after = -1};
    uint64_t lost = 0;
    alog_mpi_source_final(&s, (const unsigned char *)&fin, sizeof fin);
    assert_true(s.finished);
    assert_int_equal(s.sent, 3);
    assert_int_equal(s.cpu_ns, 1234);
    assert_int_equal(alog_mpi_source_status(&s, &lost), ALOG_PS_OK);
    assert_int_equal(lost, 0);

    /* Sent 5, 3 arrived: lost, 2 of them, said out loud. */
    fin.sent = 5;
    alog_mpi_source t = {.received = 3, .fail_after = -1};
    alog_mpi_source_final(&t, (const unsigned char *)&fin, sizeof fin);
    assert_int_equal(alog_mpi_source_status(&t, &lost), ALOG_PS_LOST);
    assert_int_equal(lost, 2);

    fin.sent = 3;
    fin.end = ALOG_MPI_END_STOPPED;
    alog_mpi_source u = {.received = 3, .fail_after = -1};
    alog_mpi_source_final(&u, (const unsigned char *)&fin, sizeof fin);
    assert_int_equal(alog_mpi_source_status(&u, &lost), ALOG_PS_STOPPED);
    fin.end = ALOG_MPI_END_FAILED;
    alog_mpi_source v = {.received = 3, .fail_after = -1};
    alog_mpi_source_final(&v, (const unsigned char *)&fin, sizeof fin);
    assert_int_equal(alog_mpi_source_status(&v, &lost), ALOG_PS_SHORT);
    assert_int_equal(lost, 2);
}

/* A final of the wrong size ends the producer (failed) so nothing waits. */
static void test_final_malformed(void **state)
{
    (void)state;
    unsigned char junk[5] = {0};
    alog_mpi_source s = {.received = 9, .fail_after = -1};
    alog_mpi_source_final(&s, junk, sizeof junk);
    assert_true(s.finished);
    assert_int_equal(s.malformed, 1);
    assert_int_equal(s.sent, 9);
    uint64_t lost = 0;
    assert_int_equal(alog_mpi_source_status(&s, &lost), ALOG_PS_SHORT);
    assert_int_equal(lost, 0);
}

static void test_end_of(void **state)
{
    (void)state;
    assert_int_equal(alog_mpi_end_of(ALOG_PS_OK), ALOG_MPI_END_DONE);
    assert_int_equal(alog_mpi_end_of(ALOG_PS_STOPPED), ALOG_MPI_END_STOPPED);
    assert_int_equal(alog_mpi_end_of(ALOG_PS_SHORT), ALOG_MPI_END_FAILED);
}

static void test_batch_fit(void **state)
{
    (void)state;
    /* Open MPI's shared memory: 4096 - 64 leaves 63 records of 64 bytes,
     * a 4032-byte message. */
    assert_int_equal(alog_mpi_batch_fit(4096, 64, 64), 63);
    assert_int_equal(alog_mpi_batch_fit(4096, 64, ALOG_MPI_EAGER_MARGIN), 63);
    assert_int_equal(alog_mpi_batch_fit(ALOG_MPI_EAGER_DEFAULT, 24, 64), 168);
    /* Exactly full: 4032 / 63 = 64. */
    assert_int_equal(alog_mpi_batch_fit(4096, 63, 64), 64);
    /* TCP's 64 KiB. */
    assert_int_equal(alog_mpi_batch_fit(65536, 64, 64), 1023);
    /* A record larger than the room goes alone; so does any record when
     * the limit leaves nothing. */
    assert_int_equal(alog_mpi_batch_fit(4096, 5000, 64), 1);
    assert_int_equal(alog_mpi_batch_fit(4096, 4033, 64), 1);
    assert_int_equal(alog_mpi_batch_fit(64, 24, 64), 1);
    assert_int_equal(alog_mpi_batch_fit(0, 24, 64), 1);
    assert_int_equal(alog_mpi_batch_fit(4096, 0, 64), 1);
    /* Never above --batch's own bound nor the message limit. */
    assert_int_equal(alog_mpi_batch_fit(UINT64_MAX, 24, 64),
                     ALOG_MPI_BATCH_MAX);
    assert_int_equal(alog_mpi_batch_fit(UINT64_MAX, 1024, 64),
                     ALOG_MPI_MSG_MAX / 1024);
}

static void test_forecast(void **state)
{
    (void)state;
    alog_mpi_plan plan = {.start_ns = 1000, .end_ns = INT64_MAX,
                          .flush_ns = 50, .count = 10, .batch = 1};
    alog_mpi_source s = {.interval_ns = 100, .fail_after = -1};
    /* Unbatched: record k is due at start + k * interval. */
    assert_int_equal(alog_mpi_forecast(&plan, &s), 1000);
    s.received = 4;
    assert_int_equal(alog_mpi_forecast(&plan, &s), 1400);
    /* All ten in: the final may come any moment. */
    s.received = 10;
    assert_int_equal(alog_mpi_forecast(&plan, &s), INT64_MIN);
    /* Unthrottled: any moment. */
    alog_mpi_source u = {.interval_ns = 0, .fail_after = -1};
    assert_int_equal(alog_mpi_forecast(&plan, &u), INT64_MIN);
    /* Batches of 4: the flush deadline (first + 50) comes before full. */
    plan.batch = 4;
    s.received = 0;
    assert_int_equal(alog_mpi_forecast(&plan, &s), 1050);
    /* A long flush deadline: the batch leaves full, with record 3. */
    plan.flush_ns = 1000;
    assert_int_equal(alog_mpi_forecast(&plan, &s), 1300);
    /* The last batch is short: it leaves with record 9. */
    s.received = 8;
    assert_int_equal(alog_mpi_forecast(&plan, &s), 1900);
    /* --fail-after 2: the batch leaves with record 1. */
    s.received = 0;
    s.fail_after = 2;
    assert_int_equal(alog_mpi_forecast(&plan, &s), 1100);
    /* Past the duration's end: nothing more is due from the schedule. */
    plan.end_ns = 1050;
    s.fail_after = -1;
    s.received = 1;
    assert_int_equal(alog_mpi_forecast(&plan, &s), INT64_MIN);
}

/* A TAG_FWD message: blocks round-trip in order, each with its origin,
 * kind and body; a cut-short head or body and an unknown kind end the
 * walk as malformed. */
static void test_blocks(void **state)
{
    (void)state;
    unsigned char buf[256], rec[48];
    alog_mpi_final fin = {.sent = 7, .cpu_ns = 5, .end = ALOG_MPI_END_DONE};
    memset(rec, 0xab, sizeof rec);
    size_t n = alog_mpi_block_put(buf, 3, ALOG_MPI_BLOCK_DATA, rec, 48);
    assert_int_equal(n, sizeof(alog_mpi_block) + 48);
    n += alog_mpi_block_put(buf + n, 5, ALOG_MPI_BLOCK_FINAL, &fin, sizeof fin);
    n += alog_mpi_block_put(buf + n, 6, ALOG_MPI_BLOCK_STALL, "silent", 6);
    size_t off = 0;
    alog_mpi_block b;
    const unsigned char *body;
    assert_int_equal(alog_mpi_block_next(buf, n, &off, &b, &body), 1);
    assert_int_equal(b.origin, 3);
    assert_int_equal(b.kind, ALOG_MPI_BLOCK_DATA);
    assert_int_equal(b.bytes, 48);
    assert_memory_equal(body, rec, 48);
    assert_int_equal(alog_mpi_block_next(buf, n, &off, &b, &body), 1);
    assert_int_equal(b.origin, 5);
    assert_int_equal(b.kind, ALOG_MPI_BLOCK_FINAL);
    assert_memory_equal(body, &fin, sizeof fin);
    assert_int_equal(alog_mpi_block_next(buf, n, &off, &b, &body), 1);
    assert_int_equal(b.origin, 6);
    assert_int_equal(b.kind, ALOG_MPI_BLOCK_STALL);
    assert_memory_equal(body, "silent", 6);
    assert_int_equal(alog_mpi_block_next(buf, n, &off, &b, &body), 0);
    assert_int_equal(off, n);
    /* cut short: in the body, in the head */
    off = 0;
    assert_int_equal(alog_mpi_block_next(buf, 40, &off, &b, &body), -1);
    off = 0;
    assert_int_equal(alog_mpi_block_next(buf, 8, &off, &b, &body), -1);
    /* an unknown kind */
    alog_mpi_block_put(buf, 1, 9, NULL, 0);
    off = 0;
    assert_int_equal(alog_mpi_block_next(buf, sizeof(alog_mpi_block), &off,
                                         &b, &body), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_rec_bytes),
        cmocka_unit_test(test_data_round_trip),
        cmocka_unit_test(test_data_partial),
        cmocka_unit_test(test_data_collect_work),
        cmocka_unit_test(test_final_and_status),
        cmocka_unit_test(test_final_malformed),
        cmocka_unit_test(test_end_of),
        cmocka_unit_test(test_forecast),
        cmocka_unit_test(test_batch_fit),
        cmocka_unit_test(test_blocks),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
