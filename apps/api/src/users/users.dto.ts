import { ApiProperty, ApiPropertyOptional, OmitType, PartialType } from '@nestjs/swagger';
import { ArrayMaxSize, IsArray, IsEmail, IsIn, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';

import {
  EMAIL_MAX_LENGTH,
  MAX_NAMESPACES,
  NAMESPACE_GRANT_PATTERN,
  NAMESPACE_RULE,
  PASSWORD_MAX_LENGTH,
  PASSWORD_MIN_LENGTH,
  PASSWORD_RULE,
  USER_ROLES,
  USER_SOURCES,
  USERNAME_MAX_LENGTH,
  USERNAME_PATTERN,
  USERNAME_RULE,
  type CreateUserRequest,
  type UpdateUserRequest,
  type UserRole,
  type UserSource,
  type UserView,
} from '@kube-monitoring/contract';

export class UserViewDto implements UserView {
  @ApiProperty({ description: 'Login name (unique).', example: 'alice' })
  username!: string;

  @ApiProperty({ description: 'Contact e-mail address.', example: 'alice@example.org' })
  email!: string;

  @ApiProperty({ description: '`admin` may manage users; `viewer` may only read.', enum: USER_ROLES, example: 'viewer' })
  role!: UserRole;

  @ApiProperty({ description: 'Namespaces the user may see: `["*"]` = all namespaces, `[]` = none.', type: [String], example: ['lab-genomics'] })
  namespaces!: string[];

  @ApiProperty({
    description:
      'Where the account comes from: `local` (its password is kept here), `ldap` (the directory checks the password; its groups set role and ' +
      'namespaces at each sign-in), `oidc` (the identity provider).',
    enum: USER_SOURCES,
    example: 'local',
  })
  source!: UserSource;

  @ApiProperty({ description: 'Creation time, ISO-8601 UTC.', format: 'date-time', example: '2025-01-31T09:00:00.000Z' })
  createdAt!: string;

  @ApiProperty({ description: 'Last change, ISO-8601 UTC.', format: 'date-time', example: '2025-02-01T10:30:00.000Z' })
  updatedAt!: string;
}

// class-validator checks the decorator nearest the field first and stops there: type checks go last.
export class CreateUserDto implements CreateUserRequest {
  @ApiProperty({ description: USERNAME_RULE, example: 'alice', pattern: USERNAME_PATTERN.source, maxLength: USERNAME_MAX_LENGTH })
  @Matches(USERNAME_PATTERN, { message: USERNAME_RULE })
  @IsString({ message: 'username must be a string' })
  username!: string;

  @ApiProperty({ description: 'Contact e-mail address.', example: 'alice@example.org', maxLength: EMAIL_MAX_LENGTH })
  @IsEmail({}, { message: 'email must be a valid e-mail address like name@example.org' })
  @MaxLength(EMAIL_MAX_LENGTH, { message: `email must be at most ${EMAIL_MAX_LENGTH} characters` })
  @IsString({ message: 'email must be a string' })
  email!: string;

  @ApiProperty({
    description: `Initial password: ${PASSWORD_RULE}. Stored only as a salted scrypt hash.`,
    format: 'password',
    writeOnly: true,
    minLength: PASSWORD_MIN_LENGTH,
    maxLength: PASSWORD_MAX_LENGTH,
    example: 'tulip-Orbit-93',
  })
  @Length(PASSWORD_MIN_LENGTH, PASSWORD_MAX_LENGTH, { message: PASSWORD_RULE })
  @IsString({ message: 'password must be a string' })
  password!: string;

  @ApiPropertyOptional({ description: '`admin` may manage users; `viewer` may only read.', enum: USER_ROLES, default: 'viewer' })
  @IsOptional()
  @IsIn(USER_ROLES, { message: `role must be one of ${USER_ROLES.join(', ')}` })
  role?: UserRole;

  @ApiPropertyOptional({
    description:
      'Namespaces the user may see: DNS-1123 names, `["*"]` for all namespaces (`*` stands alone), or `[]` for none. ' +
      `When a user is created without it: all namespaces for an admin, none for a viewer. At most ${MAX_NAMESPACES}.`,
    type: [String],
    example: ['lab-genomics', 'course-ml'],
  })
  @IsOptional()
  @Matches(NAMESPACE_GRANT_PATTERN, { each: true, message: `each entry of namespaces ${NAMESPACE_RULE}, or "*" alone for all namespaces` })
  @IsString({ each: true, message: 'namespaces must contain only strings' })
  @ArrayMaxSize(MAX_NAMESPACES, { message: `namespaces must list at most ${MAX_NAMESPACES} names` })
  @IsArray({ message: 'namespaces must be a list of namespace names' })
  namespaces?: string[];
}

/** Every field optional; the username cannot change (it is the user's identity in tokens and URLs). */
export class UpdateUserDto extends PartialType(OmitType(CreateUserDto, ['username'] as const)) implements UpdateUserRequest {}
