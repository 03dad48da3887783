/* alog-ref-sizes - sizes the benchmarks' memory target is stated in, as
 * this build has them (so no script hard-codes a struct size). */
#include <stdio.h>

#include "alog.h"

int main(void)
{
    printf("# sizeof_alog_record=%zu\n", sizeof(alog_record));
    return 0;
}
