// expect: RE build=inside stderr~shadow
/* Compiled inside the box: the assembler's .incbin cannot read files the
 * box does not show either. */
__asm__(".section .rodata\n"
	".incbin \"/etc/shadow\"\n"
	".text\n");

int main(void)
{
	return 0;
}
