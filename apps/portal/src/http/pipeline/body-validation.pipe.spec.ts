import { IsDefined, IsString, Matches, ValidateNested } from 'class-validator';
import { Type } from 'class-transformer';
import { ArgumentMetadata } from '@nestjs/common';
import { CoreError } from '@openrathaus/core';
import { BodyValidationPipe } from './body-validation.pipe';

class Address {
  @IsString() postalCode: string;
}

class Body {
  @IsDefined() @IsString() @Matches(/^[a-z]+$/) key: string;
  @ValidateNested() @Type(() => Address) address?: Address;
}

const body: ArgumentMetadata = { type: 'body', metatype: Body };

describe('BodyValidationPipe', () => {
  const pipe = new BodyValidationPipe();

  it('passes a valid body as it was sent', async () => {
    const sent = { key: 'abc' };
    await expect(pipe.transform(sent, body)).resolves.toEqual(sent);
  });

  it.each([
    [{}, [{ field: 'key', key: 'required' }]],
    [{ key: 42 }, [{ field: 'key', key: 'invalid' }]],
    [{ key: 'A1' }, [{ field: 'key', key: 'invalid' }]],
    [{ key: 'abc', address: { postalCode: 1 } }, [{ field: 'address.postalCode', key: 'invalid' }]],
  ])('refuses %p naming each field', async (sent, faults) => {
    const error = await pipe.transform(sent, body).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CoreError);
    expect((error as CoreError).fields).toEqual(faults);
  });

  it('takes the message key a decorator names', async () => {
    class Query {
      @IsString({ context: { key: 'single' } }) q: string;
    }
    const error = await pipe.transform({ q: ['a', 'b'] }, { type: 'query', metatype: Query }).catch((e: unknown) => e);
    expect((error as CoreError).fields).toEqual([{ field: 'q', key: 'single' }]);
  });

  it('leaves parameters without a DTO class alone', async () => {
    await expect(pipe.transform('x', { type: 'param', metatype: String })).resolves.toBe('x');
    await expect(pipe.transform({ any: 1 }, { type: 'body', metatype: Object })).resolves.toEqual({ any: 1 });
  });
});
