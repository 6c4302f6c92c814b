import { describe, expect, it } from 'vitest';
import { terraformLiteral } from '../../../modules/internal/terraform-literal.ts';

describe('terraformLiteral', () => {
  it("escapes Terraform's template openers, and only them", () => {
    expect(terraformLiteral('label ${PROP("Dim.X")} and %{if} and $HOME and {{ $labels.pod }}')).toBe('label $${PROP("Dim.X")} and %%{if} and $HOME and {{ $labels.pod }}');
  });
});
