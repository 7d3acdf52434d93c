import { ApiProperty } from '@nestjs/swagger';

/** The error shape of every non-2xx answer. */
export class ApiErrorDto {
  @ApiProperty({ example: 400, description: 'HTTP status code' })
  code!: number;

  @ApiProperty({ example: 'limit: must be an integer between 1 and 10000', description: 'What is wrong, naming the field' })
  message!: string;
}

export class EmptySetDto {
  @ApiProperty({ example: 200, enum: [200] })
  code!: 200;

  @ApiProperty({ example: 'Query returns empty set', enum: ['Query returns empty set'] })
  message!: 'Query returns empty set';
}
