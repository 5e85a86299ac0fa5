// expect: RE build=inside stderr~shadow
/* Compiled inside the box: the compiler reads only what the box shows,
 * so the password hashes are not there to include. */
#include "/etc/shadow"

int main(void)
{
	return 0;
}
